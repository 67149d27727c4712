"""Lesson 8's drawing pad (nnlesson/lessons/draw.js), as the browser tests draw on it and read it.

Strokes are drawn with the real mouse (``page.mouse`` down, moves in steps, up), so the pad gets
the pointer events a learner's hand makes. What the pad shows is read from the page: the preview
and the bars carry data attributes (what Python sent back), and :func:`looks` compares pixels.
"""
from __future__ import annotations

import math

from labpage import PANEL, wait_until

PAD = "nnl-draw"
CANVAS_PX = 280  # draw.js's canvas, in its own pixels

READ = """([panel, pad]) => {
    const root = document.querySelector(panel + ' .' + pad);
    const q = s => root.querySelector(s);
    const bars = [...root.querySelectorAll('.nnl-draw-bar')];
    const pixels = c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const drawn = pixels(q('.nnl-draw-canvas')).filter((v, i) => i % 4 === 3 && v > 0).length;
    const dark = pixels(q('.nnl-draw-preview')).filter((v, i) => i % 4 === 0 && v < 255).length;
    return {
        drawn, dark,
        sent: Number(q('.nnl-draw-root').dataset.sent),
        answered: Number(q('.nnl-draw-preview').dataset.seq),
        ink: Number(q('.nnl-draw-preview').dataset.ink),
        prediction: q('.nnl-draw-bars').dataset.prediction,
        values: bars.map(b => b.dataset.value),
        heights: bars.map(b => b.style.height),
        predicted: bars.filter(b => b.classList.contains('nnl-draw-predicted')).map(b => b.dataset.digit),
        message: q('.nnl-draw-message').textContent,
    };
}"""


def pad_state(page) -> dict:
    """What the pad shows: messages sent and answered, the preview's ink, the bars, the sentence."""
    return page.evaluate(READ, [PANEL, PAD])


def part(page, name: str):
    """One part of the pad: ``canvas``, ``preview``, ``bars``, ``clear``, ``message``."""
    return page.locator(f"{PANEL} .{PAD} .nnl-draw-{name}").first


def stroke(page, points, steps: int = 8):
    """Draw through ``points`` (canvas pixels, 0..280) with the mouse: press, move, release.

    Each segment is ``steps`` mouse moves, as a hand makes many small moves.
    """
    canvas = part(page, "canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    scale = box["width"] / CANVAS_PX
    at = [(box["x"] + x * scale, box["y"] + y * scale) for x, y in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=steps)
    page.mouse.up()


def vertical_bar(page, steps: int = 20):
    """A clean 1: one straight stroke down the middle."""
    stroke(page, [(140, 50), (140, 230)], steps=steps)


def ring(page, steps: int = 3):
    """A 0: a closed ring of radius 80 around the centre, 24 segments."""
    points = [(140 + 70 * math.sin(t), 140 - 90 * math.cos(t))
              for t in (2 * math.pi * k / 24 for k in range(25))]
    stroke(page, points, steps=steps)


def clear(page):
    part(page, "clear").click()


def answered(page, timeout_s: float = 30) -> dict:
    """Wait until Python has answered every drawing sent; returns the pad's state then."""
    def caught_up():
        s = pad_state(page)
        return s if s["sent"] > 0 and s["answered"] == s["sent"] else None
    return wait_until(caught_up, timeout_s,
                      lambda: f"Python to answer every drawing (pad: {pad_state(page)})")


def empty_state_problems(s: dict) -> list[str]:
    """What is left on a pad that should show nothing (after Clear, before any drawing)."""
    found = []
    if s["drawn"]:
        found.append(f"the canvas still has {s['drawn']} inked pixels")
    if s["ink"] != 0 or s["dark"]:
        found.append(f"the preview still has ink ({s['ink']}, {s['dark']} dark pixels)")
    if s["prediction"] or s["predicted"]:
        found.append(f"a digit is still marked ({s['prediction']!r}, bars {s['predicted']})")
    if any(s["values"]) or any(h not in ("", "0%") for h in s["heights"]):
        found.append(f"bars still show values {s['values']} / heights {s['heights']}")
    if "Draw a digit" not in s["message"]:
        found.append(f"the pad does not ask for a digit: {s['message']!r}")
    return found


def read_problems(s: dict) -> list[str]:
    """What is wrong with a pad that should show a digit read: preview, ten bars, one marked."""
    found = []
    if s["ink"] <= 0 or not s["dark"] or not s["drawn"]:
        found.append(f"the canvas ({s['drawn']} inked pixels) or the preview ({s['dark']} dark "
                     f"pixels) is empty")
    values = [float(v) for v in s["values"] if v]
    if len(values) != 10:
        found.append(f"{len(values)} bars have a value, not 10: {s['values']}")
    elif s["predicted"] != [str(values.index(max(values)))] or s["prediction"] != s["predicted"][0]:
        found.append(f"the marked bar {s['predicted']} (pad says {s['prediction']!r}) is not "
                     f"the largest output in {values}")
    return found


LAYOUT = """([panel, pad]) => {
    const root = document.querySelector(panel + ' .' + pad);
    const area = root.closest('.jp-OutputArea-output').getBoundingClientRect();
    const box = e => { const r = e.getBoundingClientRect();
                       return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                               width: r.width, height: r.height}; };
    const parts = {};
    for (const name of ['canvas', 'clear', 'preview', 'bars', 'message'])
        parts[name] = box(root.querySelector('.nnl-draw-' + name));
    // a label wider than its bar's column runs into its neighbour's
    const cut = [...root.querySelectorAll('.nnl-draw-value')]
        .filter(e => box(e).width > box(e.parentElement).width + 0.5).map(e => e.textContent);
    return {area: {left: area.left, right: area.right}, parts, cut};
}"""


def pad_layout_problems(page) -> tuple[list[str], dict]:
    """Whether the pad fits its output area: parts overlap nothing and stick out nowhere, and
    the canvas is drawn at its full 280 px. Measured once two readings in a row agree (the
    notebook is laid out again after the window changes)."""
    last = [None]

    def settled():
        now = page.evaluate(LAYOUT, [PANEL, PAD])
        same, last[0] = now == last[0], now
        return now if same else None
    m = wait_until(settled, 20, "the layout to settle", interval_s=0.3)
    found, parts, area = [], m["parts"], m["area"]
    names = list(parts)
    for i, a in enumerate(names):
        p = parts[a]
        if p["right"] > area["right"] + 1 or p["left"] < area["left"] - 1:
            found.append(f"{a} sticks out of the notebook ({p['left']:.0f}..{p['right']:.0f} px, "
                         f"output {area['left']:.0f}..{area['right']:.0f})")
        for b in names[i + 1:]:
            q = parts[b]
            dx = min(p["right"], q["right"]) - max(p["left"], q["left"])
            dy = min(p["bottom"], q["bottom"]) - max(p["top"], q["top"])
            if dx > 1 and dy > 1:
                found.append(f"{a} and {b} overlap by {dx:.0f} x {dy:.0f} px")
    if m["cut"]:
        found.append(f"output labels wider than their bars: {m['cut']}")
    if round(parts["canvas"]["width"]) != CANVAS_PX:
        found.append(f"the canvas is {parts['canvas']['width']:.0f} px wide, not {CANVAS_PX}")
    return found, m


def draw_and_read(page, draw) -> dict:
    """Draw with ``draw(page)``, wait for Python's answer, check the pad shows a digit read."""
    draw(page)
    s = answered(page)
    found = read_problems(s)
    assert not found, f"after drawing: {'; '.join(found)} (pad: {s})"
    return s


def check_pad(page, picture=None) -> str:
    """Lesson 8's pad as a learner uses it: draw a 1, Clear, draw a 0, then fast strokes.

    Checks that the preview and the bars change (pixels, not only attributes), that the clean
    vertical stroke is read as a 1, that Clear empties the canvas, the preview and the bars
    (their pixels and the outputs they show: :func:`empty_state_problems`), and
    that strokes and Clears in quick succession leave the pad reading the last drawing. Saves a
    picture of the pad reading the ring to ``picture``. Returns what was seen, for the test log.
    """
    from labdashboard import screenshot_output  # the output's picture, at the window's width
    from labpage import looks

    canvas, preview, bars = part(page, "canvas"), part(page, "preview"), part(page, "bars")
    clear(page)
    found = empty_state_problems(answered(page))
    assert not found, f"after Clear: {'; '.join(found)}"
    blank = {"canvas": looks(canvas), "preview": looks(preview), "bars": looks(bars)}

    one = draw_and_read(page, vertical_bar)
    found, measured = pad_layout_problems(page)  # again, now that the bars have labels
    assert not found, "reading a 1: " + "; ".join(found) + f"\n{measured}"
    assert one["prediction"] == "1", f"a clean vertical stroke is read as {one['prediction']}: {one}"
    drawn = {"canvas": looks(canvas), "preview": looks(preview), "bars": looks(bars)}
    unchanged = [name for name in blank if drawn[name] == blank[name]]
    assert not unchanged, f"drawing a stroke did not change the {', '.join(unchanged)}"

    clear(page)
    found = empty_state_problems(answered(page))
    assert not found, f"after Clear: {'; '.join(found)}"

    zero = draw_and_read(page, ring)
    assert looks(preview) not in (blank["preview"], drawn["preview"]), "the preview did not redraw"
    assert zero["values"] != one["values"], "the bars show the same outputs for a ring and a bar"
    if picture is not None:
        screenshot_output(page, canvas, picture)

    # A hurried learner: strokes and Clears with no pause; the pad must end on the last drawing.
    for draw in (ring, vertical_bar, clear, ring, clear):
        draw(page, **({} if draw is clear else {"steps": 1}))
    fast = draw_and_read(page, vertical_bar)
    # The same stroke again: a leftover ring would more than double the ink, a stale answer
    # would read 0. Sub-pixel placement of the canvas may change the ink by a few per cent.
    assert fast["prediction"] == "1" and abs(fast["ink"] - one["ink"]) <= 0.05 * one["ink"], (
        f"after fast strokes and Clears, the same vertical stroke reads differently: {fast} "
        f"(at first: {one})")
    return (f"bar read as {one['prediction']} ({max(map(float, one['values'])):.2f}), ring as "
            f"{zero['prediction']}; {fast['sent']} drawings sent and answered")
