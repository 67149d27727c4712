// Lesson 8's drawing pad, the browser half (the Python half: draw.py).
//
// The learner draws on a 280 x 280 canvas with any pointer (mouse, pen, finger). While a stroke
// is drawn (at most every SEND_EVERY_MS) and when it ends, the canvas goes to Python as grey
// levels, SENT_SIDE x SENT_SIDE bytes (0 paper, 255 ink). Python answers with traits: `preview`
// (the 28 x 28 image the network reads), `outputs` (its ten outputs), `digit` and `message`,
// which this file draws. Clear empties everything here at once and tells Python.
// Class names and data attributes (nnl-draw-*) are what the browser tests read.

const SIZE = 280;          // canvas pixels
const STROKE = 18;         // pen width in canvas pixels: MNIST strokes are ~1/10 of a digit's height
const SENT_SIDE = 140;     // the canvas averaged over 2 x 2 blocks: 19.6 kB per message
const SEND_EVERY_MS = 100;
const PREVIEW_PX = 112;    // the 28 x 28 preview, drawn 4 times larger
const BARS_PX = 112;       // the height of the tallest bar

const STYLE = `
.nnl-draw-root { display: flex; flex-wrap: wrap; gap: 16px 24px; align-items: flex-start;
  font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px;
  color: var(--jp-ui-font-color1, #222); }
.nnl-draw-col { display: flex; flex-direction: column; gap: 6px; max-width: 100%; }
.nnl-draw-seen { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.nnl-draw-canvas { width: ${SIZE}px; max-width: 100%; aspect-ratio: 1; touch-action: none;
  background: #fff; border: 2px solid #888; border-radius: 4px; cursor: crosshair;
  box-sizing: border-box; }
.nnl-draw-row { display: flex; gap: 8px; align-items: center; max-width: ${SIZE}px; }
.nnl-draw-clear { padding: 4px 14px; font-size: 13px; cursor: pointer; }
.nnl-draw-message { max-width: ${SIZE}px; min-height: 2.6em; }
.nnl-draw-preview { width: ${PREVIEW_PX}px; height: ${PREVIEW_PX}px; image-rendering: pixelated;
  border: 1px solid #888; background: #fff; }
.nnl-draw-bars { display: flex; gap: 3px; align-items: flex-end; height: ${BARS_PX + 36}px; }
.nnl-draw-barcol { display: flex; flex-direction: column; align-items: center; width: 18px; }
.nnl-draw-value { font-size: 10px; height: 14px; }
.nnl-draw-track { height: ${BARS_PX}px; width: 14px; display: flex; align-items: flex-end;
  background: #f0f0f0; }
.nnl-draw-bar { width: 100%; background: #4a7ebb; }
.nnl-draw-bar.nnl-draw-predicted { background: #e07b00; }
.nnl-draw-label { font-size: 13px; }
.nnl-draw-barcol.nnl-draw-predicted .nnl-draw-label { font-weight: bold; color: #e07b00; }
.nnl-draw-caption { font-size: 12px; color: var(--jp-ui-font-color2, #555); }
`;

function element(tag, className, parent, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

// The canvas's ink (its alpha channel) averaged over blocks: SENT_SIDE x SENT_SIDE bytes.
function inkBytes(ctx) {
  const rgba = ctx.getImageData(0, 0, SIZE, SIZE).data;
  const k = SIZE / SENT_SIDE;
  const out = new Uint8Array(SENT_SIDE * SENT_SIDE);
  for (let r = 0; r < SENT_SIDE; r++) {
    for (let c = 0; c < SENT_SIDE; c++) {
      let sum = 0;
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++) sum += rgba[4 * ((r * k + i) * SIZE + c * k + j) + 3];
      out[r * SENT_SIDE + c] = Math.round(sum / (k * k));
    }
  }
  return out;
}

function buildBars(parent) {
  const bars = element("div", "nnl-draw-bars", parent);
  const cols = [];
  for (let d = 0; d < 10; d++) {
    const col = element("div", "nnl-draw-barcol", bars);
    col.dataset.digit = String(d);
    const value = element("div", "nnl-draw-value", col);
    const track = element("div", "nnl-draw-track", col);
    const bar = element("div", "nnl-draw-bar", track);
    bar.dataset.digit = String(d);
    element("div", "nnl-draw-label", col, String(d));
    cols.push({ col, value, bar });
  }
  return { bars, cols };
}

function render({ model, el }) {
  element("style", null, el, STYLE);
  const root = element("div", "nnl-draw-root", el);
  root.dataset.sent = "0";

  const left = element("div", "nnl-draw-col", root);
  const canvas = element("canvas", "nnl-draw-canvas", left);
  canvas.width = canvas.height = SIZE;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const row = element("div", "nnl-draw-row", left);
  const clear = element("button", "nnl-draw-clear jupyter-button", row, "Clear");
  clear.type = "button";
  const message = element("div", "nnl-draw-message", left);

  // What the network sees and what it answers stay side by side when the pad wraps.
  const seen = element("div", "nnl-draw-seen", root);
  const middle = element("div", "nnl-draw-col", seen);
  middle.style.width = `${PREVIEW_PX + 2}px`;  // the caption wraps above the picture
  element("div", "nnl-draw-caption", middle, "What the network sees, 28 × 28");
  const preview = element("canvas", "nnl-draw-preview", middle);
  preview.width = preview.height = 28;
  const pctx = preview.getContext("2d");

  const right = element("div", "nnl-draw-col", seen);
  const caption = element("div", "nnl-draw-caption", right, "The ten outputs a");
  element("sup", null, caption, "L");
  const { bars, cols } = buildBars(right);

  let seq = 0;            // number of the last message sent
  let clearedAt = 0;      // answers to messages before this one are out of date
  let drawing = false, last = null, lastSent = 0, timer = null;

  function send() {
    clearTimeout(timer);
    timer = null;
    lastSent = performance.now();
    const pixels = inkBytes(ctx);
    seq += 1;
    root.dataset.sent = String(seq);  // for tests: answered once preview's data-seq reaches it
    model.send({ kind: "drawing", seq, side: SENT_SIDE }, undefined, [pixels.buffer]);
  }

  function sendSoon() {  // while drawing: at most one message per SEND_EVERY_MS
    const wait = SEND_EVERY_MS - (performance.now() - lastSent);
    if (wait <= 0) send();
    else if (!timer) timer = setTimeout(send, wait);
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();  // minus the border: where the pixels are
    return [(event.clientX - box.left - canvas.clientLeft) * (SIZE / canvas.clientWidth),
            (event.clientY - box.top - canvas.clientTop) * (SIZE / canvas.clientHeight)];
  }

  function line(from, to) {
    ctx.lineWidth = STROKE;
    ctx.lineCap = ctx.lineJoin = "round";
    ctx.strokeStyle = "#000";
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(to[0], to[1]);
    ctx.stroke();
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
    line(last, last);  // a tap leaves a dot
    sendSoon();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) {
      const p = point(e);
      line(last, p);
      last = p;
    }
    sendSoon();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    send();  // the whole stroke, at once
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  canvas.addEventListener("lostpointercapture", end);

  function wipe() {
    clearTimeout(timer);
    timer = null;
    drawing = false;
    ctx.clearRect(0, 0, SIZE, SIZE);
  }
  clear.addEventListener("click", () => {
    wipe();
    clearedAt = seq + 1;
    show(true);
    send();  // an empty drawing: Python empties its preview and outputs too
  });
  const onCustom = (msg) => {
    if (msg && msg.kind === "clear") { wipe(); clearedAt = seq + 1; show(true); }
  };
  model.on("msg:custom", onCustom);

  function show(empty) {
    const stale = empty || model.get("seq") < clearedAt;
    const pixels = stale ? [] : model.get("preview");
    const outputs = stale ? [] : model.get("outputs");
    const digit = stale || outputs.length !== 10 ? -1 : model.get("digit");
    message.textContent = stale ? "Draw a digit in the box." : model.get("message");
    const img = pctx.createImageData(28, 28);
    let ink = 0;
    for (let i = 0; i < 28 * 28; i++) {
      const v = pixels.length === 28 * 28 ? pixels[i] : 0;
      ink += v;
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = 255 - v;  // ink is dark
      img.data[4 * i + 3] = 255;
    }
    pctx.putImageData(img, 0, 0);
    preview.dataset.ink = String(ink);
    preview.dataset.seq = String(model.get("seq"));
    bars.dataset.prediction = digit >= 0 ? String(digit) : "";
    cols.forEach(({ col, value, bar }, d) => {
      const v = outputs.length === 10 ? outputs[d] : 0;
      bar.style.height = `${Math.max(0, Math.min(1, v)) * 100}%`;
      bar.dataset.value = outputs.length === 10 ? v.toFixed(4) : "";
      // ".97" fits above a bar; 1.00 would not, and reads as "1"
      value.textContent = outputs.length !== 10 ? "" : v >= 0.995 ? "1" : v.toFixed(2).replace(/^0/, "");
      for (const e of [col, bar]) e.classList.toggle("nnl-draw-predicted", d === digit);
    });
  }

  let frame = null;  // several traits change at once: draw them once
  const redraw = () => {
    if (frame === null) frame = requestAnimationFrame(() => { frame = null; show(false); });
  };
  for (const name of ["preview", "outputs", "digit", "message", "seq"])
    model.on(`change:${name}`, redraw);
  show(false);

  return () => {
    clearTimeout(timer);
    if (frame !== null) cancelAnimationFrame(frame);
    model.off("msg:custom", onCustom);
    for (const name of ["preview", "outputs", "digit", "message", "seq"])
      model.off(`change:${name}`, redraw);
  };
}

export default { render };
