// The sandpit game of section 2.6: find the deepest point of a hidden landscape by probing it.
//
// Every element with a `data-sandpit` attribute becomes a game. Its landscapes, their deepest
// points and check values were written into the page as JSON by mmlcalc.sandpit_game when the
// book was built; this script evaluates the same formula as mmlcalc.sandpit.Landscape, checks
// itself against Python's values when the page loads, and plays. No library, no network.
//
// The game's state is mirrored in data attributes of the outer element (data-pit, data-seed,
// data-probes, data-state, data-revealed, data-mode, data-last-x, data-last-y,
// data-last-depth, data-last-gradient), which the browser tests read.
"use strict";

(() => {
  // --- the landscape ---------------------------------------------------------------------------

  // A = R diag(a1, a2) R^T, with R the rotation by the bowl's angle: (A11, A12, A22).
  function bowlMatrix(pit) {
    if (!pit._matrix) {
      const [a1, a2] = pit.bowl.curvatures;
      const c = Math.cos(pit.bowl.angle);
      const s = Math.sin(pit.bowl.angle);
      pit._matrix = [a1 * c * c + a2 * s * s, (a1 - a2) * c * s, a1 * s * s + a2 * c * c];
    }
    return pit._matrix;
  }

  // Height f, gradient (pointing uphill) and Hessian of the floor at (x, y):
  //   f = f0 + (x - c)^T A (x - c) / 2 - sum_k d_k exp(-|x - m_k|^2 / (2 w_k^2)).
  function evaluate(pit, x, y) {
    const [a11, a12, a22] = bowlMatrix(pit);
    const u = x - pit.bowl.centre[0];
    const v = y - pit.bowl.centre[1];
    let height = pit.bowl.offset + 0.5 * (a11 * u * u + 2 * a12 * u * v + a22 * v * v);
    let gx = a11 * u + a12 * v;
    let gy = a12 * u + a22 * v;
    let hxx = a11;
    let hxy = a12;
    let hyy = a22;
    for (const dimple of pit.dimples) {
      const rx = x - dimple.centre[0];
      const ry = y - dimple.centre[1];
      const w2 = dimple.width * dimple.width;
      const term = dimple.depth * Math.exp(-(rx * rx + ry * ry) / (2 * w2));
      const k = term / w2;
      height -= term;
      gx += k * rx;
      gy += k * ry;
      hxx += k * (1 - (rx * rx) / w2);
      hxy -= (k * rx * ry) / w2;
      hyy += k * (1 - (ry * ry) / w2);
    }
    return { height, gradient: [gx, gy], hessian: [[hxx, hxy], [hxy, hyy]] };
  }

  // The height alone, for drawing the whole floor quickly (the same sums as evaluate).
  function height(pit, x, y) {
    const [a11, a12, a22] = bowlMatrix(pit);
    const u = x - pit.bowl.centre[0];
    const v = y - pit.bowl.centre[1];
    let h = pit.bowl.offset + 0.5 * (a11 * u * u + 2 * a12 * u * v + a22 * v * v);
    for (const dimple of pit.dimples) {
      const rx = x - dimple.centre[0];
      const ry = y - dimple.centre[1];
      h -= dimple.depth * Math.exp(-(rx * rx + ry * ry) / (2 * dimple.width * dimple.width));
    }
    return h;
  }

  // The largest relative disagreement with Python's values at the embedded sample points.
  function selfCheck(data) {
    let worst = 0;
    const gap = (a, b) => Math.abs(a - b) / Math.max(1, Math.abs(b));
    for (const pit of data.pits) {
      for (const sample of pit.samples) {
        const ours = evaluate(pit, sample.x[0], sample.x[1]);
        worst = Math.max(worst, gap(ours.height, sample.height),
          gap(ours.gradient[0], sample.gradient[0]), gap(ours.gradient[1], sample.gradient[1]));
        for (let i = 0; i < 2; i++) {
          for (let j = 0; j < 2; j++) {
            worst = Math.max(worst, gap(ours.hessian[i][j], sample.hessian[i][j]));
          }
        }
      }
    }
    return worst;
  }

  // --- drawing ---------------------------------------------------------------------------------

  const INK = "#1a1a1a";
  const PROBE = "#0072B2";
  const STAR = "#D55E00";
  const SAND = "#f7f0dc";
  // ColorBrewer's YlOrBr, the colour map of the book's sandpit figure, deepest first.
  const FLOOR = ["#662506", "#993404", "#cc4c02", "#ec7014", "#fe9929", "#fec44f", "#fee391",
    "#fff7bc", "#ffffe5"].map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));

  function floorColour(t) {
    const position = Math.min(Math.max(t, 0), 1) * (FLOOR.length - 1);
    const i = Math.min(Math.floor(position), FLOOR.length - 2);
    const f = position - i;
    return FLOOR[i].map((c, k) => Math.round(c + f * (FLOOR[i + 1][k] - c)));
  }

  // The floor as filled contours (16 bands from the deepest point to the height exceeded by
  // the highest 15% of the pit, as in the book's figure), drawn into an n x n image.
  function floorImage(pit, n) {
    const L = pit.half_width;
    const coarse = [];
    for (let i = 0; i <= 100; i++) {
      for (let j = 0; j <= 100; j++) {
        coarse.push(height(pit, -L + (2 * L * j) / 100, -L + (2 * L * i) / 100));
      }
    }
    coarse.sort((a, b) => a - b);
    const low = Math.min(coarse[0], height(pit, pit.deepest.x[0], pit.deepest.x[1]));
    const high = coarse[Math.floor(0.85 * (coarse.length - 1))];
    const bands = 16;
    const canvas = document.createElement("canvas");
    canvas.width = n;
    canvas.height = n;
    const context = canvas.getContext("2d");
    const image = context.createImageData(n, n);
    const band = new Int16Array(n * n);
    for (let row = 0; row < n; row++) {
      const y = L - (2 * L * (row + 0.5)) / n;
      for (let col = 0; col < n; col++) {
        const x = -L + (2 * L * (col + 0.5)) / n;
        const t = (height(pit, x, y) - low) / (high - low);
        band[row * n + col] = Math.min(bands, Math.floor(t * bands));
      }
    }
    for (let p = 0; p < n * n; p++) {
      const edge = (p % n < n - 1 && band[p + 1] !== band[p])
        || (p + n < n * n && band[p + n] !== band[p]);
      const colour = floorColour((band[p] + 0.5) / bands);
      const shade = edge ? 0.82 : 1;
      image.data.set([colour[0] * shade, colour[1] * shade, colour[2] * shade, 255], 4 * p);
    }
    context.putImageData(image, 0, 0);
    return canvas;
  }

  function compass(dx, dy) {
    const names = ["east", "north-east", "north", "north-west", "west", "south-west", "south",
      "south-east"];
    const turn = Math.round((Math.atan2(dy, dx) / (2 * Math.PI)) * 8);
    return names[(turn + 8) % 8];
  }

  const fixed = (value, digits) => {
    const text = value.toFixed(digits);
    return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
  };

  // --- one game ----------------------------------------------------------------------------------

  class Sandpit {
    constructor(root) {
      this.root = root;
      this.data = JSON.parse(root.querySelector(".sandpit-data").textContent);
      this.canvas = root.querySelector(".sandpit-canvas");
      this.context = this.canvas.getContext("2d");
      this.message = root.querySelector(".sandpit-message");
      this.count = root.querySelector(".sandpit-count");
      this.index = root.querySelector(".sandpit-index");
      this.steps = root.querySelector(".sandpit-steps");
      this.rate = root.querySelector(".sandpit-rate");
      this.revealButton = root.querySelector("[data-action='reveal']");
      this.mode = "depth";
      this.hover = null;
      this.focused = false;
      this.floors = new Map();

      const worst = selfCheck(this.data);
      root.dataset.selfcheck = worst <= 1e-9 ? "ok" : "failed";
      if (worst > 1e-9) {
        console.error(`sandpit: the script's floor differs from Python's by ${worst}`);
      }
      this.size = 0;
      this.bind();
      this.load(0);
      new ResizeObserver(() => this.draw()).observe(this.canvas);
    }

    get pit() {
      return this.data.pits[this.pitIndex];
    }

    load(index) {
      this.pitIndex = index;
      this.probes = [];
      this.won = false;
      this.revealed = false;
      this.cursor = [0, 0];
      this.index.textContent = String(index + 1);
      this.say(`Pit ${index + 1} of ${this.data.pits.length}. Probe anywhere to begin.`);
      this.sync();
      this.draw();
    }

    say(text) {
      this.message.textContent = text;
    }

    // Mirror the state in the outer element and the controls.
    sync() {
      const root = this.root;
      root.dataset.pit = String(this.pitIndex);
      root.dataset.seed = String(this.pit.seed);
      root.dataset.probes = String(this.probes.length);
      root.dataset.state = this.won ? "won" : "playing";
      root.dataset.revealed = String(this.revealed);
      root.dataset.mode = this.mode;
      const last = this.probes[this.probes.length - 1];
      for (const key of ["lastX", "lastY", "lastDepth", "lastGradient"]) delete root.dataset[key];
      if (last) {
        root.dataset.lastX = String(last.x);
        root.dataset.lastY = String(last.y);
        root.dataset.lastDepth = String(last.depth);
        if (last.slope) root.dataset.lastGradient = JSON.stringify(last.gradient);
      }
      this.count.textContent = String(this.probes.length);
      this.revealButton.setAttribute("aria-pressed", String(this.revealed));
      this.revealButton.textContent = this.revealed ? "Hide the pit" : "Reveal the pit";
      this.steps.hidden = this.mode !== "steps";
    }

    bind() {
      const canvas = this.canvas;
      let press = null;
      canvas.addEventListener("pointerdown", (event) => {
        press = { id: event.pointerId, x: event.clientX, y: event.clientY };
      });
      canvas.addEventListener("pointercancel", () => { press = null; });
      canvas.addEventListener("pointerup", (event) => {
        if (!press || press.id !== event.pointerId) return;
        const moved = Math.hypot(event.clientX - press.x, event.clientY - press.y);
        press = null;
        if (moved > 10) return; // a drag or a scroll, not a tap
        const [x, y] = this.toWorld(event.clientX, event.clientY);
        this.cursor = [x, y];
        this.probe(x, y, "probe");
      });
      canvas.addEventListener("pointermove", (event) => {
        if (event.pointerType !== "mouse") return;
        this.hover = this.toWorld(event.clientX, event.clientY);
        this.draw();
      });
      canvas.addEventListener("pointerleave", () => {
        this.hover = null;
        this.draw();
      });
      canvas.addEventListener("focus", () => { this.focused = true; this.draw(); });
      canvas.addEventListener("blur", () => { this.focused = false; this.draw(); });
      canvas.addEventListener("keydown", (event) => this.key(event));

      for (const radio of this.root.querySelectorAll(".sandpit-modes input")) {
        radio.addEventListener("change", () => {
          if (!radio.checked) return;
          this.mode = radio.value;
          this.sync();
          this.draw();
        });
      }
      this.root.querySelector("[data-action='reveal']").addEventListener("click", () => {
        this.revealed = !this.revealed;
        const others = this.pit.minima.length - 1;
        this.say(this.revealed
          ? "The whole pit is shown: darker is deeper, the star marks the deepest point and "
            + "the dashed circle around it the winning distance"
            + (others ? `; circles mark the ${others} other pit${others > 1 ? "s" : ""}.` : ".")
          : "The pit is hidden again.");
        this.sync();
        this.draw();
      });
      this.root.querySelector("[data-action='new-pit']").addEventListener("click", () => {
        this.load((this.pitIndex + 1) % this.data.pits.length);
      });
      this.root.querySelector("[data-action='gradient-step']")
        .addEventListener("click", () => this.step("gradient"));
      this.root.querySelector("[data-action='newton-step']")
        .addEventListener("click", () => this.step("newton"));
    }

    key(event) {
      const L = this.pit.half_width;
      const move = ((event.shiftKey ? 5 : 1) * 2 * L) / 60;
      const moves = { ArrowLeft: [-move, 0], ArrowRight: [move, 0], ArrowUp: [0, move],
        ArrowDown: [0, -move] };
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key in moves) {
        const [dx, dy] = moves[event.key];
        this.cursor = [Math.min(L, Math.max(-L, this.cursor[0] + dx)),
          Math.min(L, Math.max(-L, this.cursor[1] + dy))];
        this.draw();
      } else if (event.key === "Enter" || event.key === " ") {
        this.probe(this.cursor[0], this.cursor[1], "probe");
      } else if ((event.key === "g" || event.key === "G") && this.mode === "steps") {
        this.step("gradient");
      } else if ((event.key === "n" || event.key === "N") && this.mode === "steps") {
        this.step("newton");
      } else {
        return;
      }
      event.preventDefault();
    }

    // Page (client) coordinates to the pit's (x, y); y points up.
    toWorld(clientX, clientY) {
      const box = this.canvas.getBoundingClientRect();
      const L = this.pit.half_width;
      const x = -L + (2 * L * (clientX - box.left)) / box.width;
      const y = L - (2 * L * (clientY - box.top)) / box.height;
      return [Math.min(L, Math.max(-L, x)), Math.min(L, Math.max(-L, y))];
    }

    // One probe: read the depth (and the slope, in the second and third modes).
    probe(x, y, kind, note = "") {
      const reading = evaluate(this.pit, x, y);
      const slope = this.mode !== "depth";
      const probe = { x, y, kind, slope, depth: -reading.height, gradient: reading.gradient,
        hessian: reading.hessian };
      this.probes.push(probe);
      const n = this.probes.length;
      let text = `${note}Probe ${n} at (${fixed(x, 2)}, ${fixed(y, 2)}): depth `
        + `${fixed(probe.depth, 3)}.`;
      if (slope) {
        const [gx, gy] = reading.gradient;
        const size = Math.hypot(gx, gy);
        text += ` Slope ${fixed(size, 3)}`
          + (size > 1e-9 ? `, downhill towards the ${compass(-gx, -gy)}.` : ", flat.");
      }
      const [bx, by] = this.pit.deepest.x;
      const miss = Math.hypot(x - bx, y - by);
      if (!this.won && miss < this.data.goal) {
        this.won = true;
        this.revealed = true;
        text += ` You found the deepest point, ${fixed(miss, 3)} away, in ${n} `
          + `probe${n === 1 ? "" : "s"}! The whole pit is now shown.`;
      }
      this.say(text);
      this.sync();
      this.draw();
    }

    // An automatic step from the last probe: gradient descent or Newton's method.
    step(kind) {
      const last = this.probes[this.probes.length - 1];
      if (!last) {
        this.say("Probe somewhere first: the steps start from your last probe.");
        return;
      }
      const [gx, gy] = last.gradient;
      const [[hxx, hxy], [, hyy]] = last.hessian;
      let dx;
      let dy;
      let note;
      if (kind === "gradient") {
        const rate = Number(this.rate.value);
        dx = -rate * gx;
        dy = -rate * gy;
        note = `Gradient step (learning rate ${rate}). `;
      } else {
        const det = hxx * hyy - hxy * hxy;
        if (Math.abs(det) < 1e-12 * Math.max(1, hxx * hxx + hyy * hyy)) {
          this.say("The Hessian is singular here, so Newton's step is undefined. No probe "
            + "was used.");
          return;
        }
        dx = -(hyy * gx - hxy * gy) / det;
        dy = -(-hxy * gx + hxx * gy) / det;
        note = "Newton step. ";
        if (!(det > 0 && hxx > 0)) {
          note += "The floor curves downwards in some direction here (the Hessian is not "
            + "positive definite), so this step heads for a saddle or a hump, not a pit. ";
        }
      }
      const L = this.pit.half_width;
      const x = Math.min(L, Math.max(-L, last.x + dx));
      const y = Math.min(L, Math.max(-L, last.y + dy));
      if (x !== last.x + dx || y !== last.y + dy) note += "The step stopped at the edge. ";
      this.cursor = [x, y];
      this.probe(x, y, kind, note);
    }

    // --- the picture ---

    toCanvas(x, y) {
      const L = this.pit.half_width;
      return [((x + L) / (2 * L)) * this.size, ((L - y) / (2 * L)) * this.size];
    }

    draw() {
      const canvas = this.canvas;
      const box = canvas.getBoundingClientRect();
      if (!box.width) return;
      const ratio = window.devicePixelRatio || 1;
      const pixels = Math.round(box.width * ratio);
      if (canvas.width !== pixels || canvas.height !== pixels) {
        canvas.width = pixels;
        canvas.height = pixels;
      }
      this.size = box.width;
      const ctx = this.context;
      ctx.setTransform(pixels / box.width, 0, 0, pixels / box.width, 0, 0);
      ctx.clearRect(0, 0, this.size, this.size);
      if (this.revealed) {
        const key = `${this.pitIndex}:${Math.min(pixels, 480)}`;
        if (!this.floors.has(key)) this.floors.set(key, floorImage(this.pit, Math.min(pixels, 480)));
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(this.floors.get(key), 0, 0, this.size, this.size);
      } else {
        ctx.fillStyle = SAND;
        ctx.fillRect(0, 0, this.size, this.size);
      }
      this.drawGrid();
      this.drawProbes();
      if (this.revealed) this.drawMinima();
      this.drawCursor();
    }

    halo(draw, width) {
      const ctx = this.context;
      ctx.save();
      ctx.strokeStyle = "rgba(255, 255, 255, 0.85)";
      ctx.lineWidth = width + 3;
      draw();
      ctx.restore();
      draw();
    }

    drawGrid() {
      const ctx = this.context;
      const L = this.pit.half_width;
      ctx.save();
      ctx.strokeStyle = this.revealed ? "rgba(26, 26, 26, 0.18)" : "rgba(26, 26, 26, 0.12)";
      ctx.lineWidth = 1;
      ctx.fillStyle = "#3d3d3d";
      ctx.font = "11px system-ui, sans-serif";
      for (let t = Math.ceil(-L + 1e-9); t < L; t++) {
        const [px, py] = this.toCanvas(t, t);
        ctx.beginPath();
        ctx.moveTo(px, 0);
        ctx.lineTo(px, this.size);
        ctx.moveTo(0, py);
        ctx.lineTo(this.size, py);
        ctx.stroke();
        if (!this.revealed) {
          ctx.fillText(String(t), px + 3, this.size - 4);
          if (t !== 0) ctx.fillText(String(t), 3, py - 3);
        }
      }
      ctx.restore();
    }

    drawProbes() {
      const ctx = this.context;
      const probes = this.probes;
      // the automatic steps, joined to the probe they started from
      ctx.save();
      ctx.lineWidth = 1.6;
      ctx.strokeStyle = INK;
      for (let i = 1; i < probes.length; i++) {
        if (probes[i].kind === "probe") continue;
        const [ax, ay] = this.toCanvas(probes[i - 1].x, probes[i - 1].y);
        const [bx, by] = this.toCanvas(probes[i].x, probes[i].y);
        this.halo(() => {
          ctx.beginPath();
          ctx.moveTo(ax, ay);
          ctx.lineTo(bx, by);
          ctx.stroke();
        }, 1.6);
      }
      ctx.restore();
      // the downhill arrows: longer where the floor is steeper
      ctx.save();
      ctx.strokeStyle = PROBE;
      ctx.lineWidth = 2;
      for (const probe of probes) {
        if (!probe.slope) continue;
        const [gx, gy] = probe.gradient;
        const size = Math.hypot(gx, gy);
        if (size < 1e-9) continue;
        const length = 10 + 34 * (1 - Math.exp(-size));
        const [px, py] = this.toCanvas(probe.x, probe.y);
        const ux = -gx / size;
        const uy = gy / size; // canvas y points down
        const tx = px + length * ux;
        const ty = py + length * uy;
        this.halo(() => {
          ctx.beginPath();
          ctx.moveTo(px, py);
          ctx.lineTo(tx, ty);
          ctx.moveTo(tx - 7 * ux - 4 * uy, ty - 7 * uy + 4 * ux);
          ctx.lineTo(tx, ty);
          ctx.lineTo(tx - 7 * ux + 4 * uy, ty - 7 * uy - 4 * ux);
          ctx.stroke();
        }, 2);
      }
      ctx.restore();
      // the probes, the last one ringed
      probes.forEach((probe, i) => {
        const [px, py] = this.toCanvas(probe.x, probe.y);
        ctx.beginPath();
        ctx.arc(px, py, 4.5, 0, 2 * Math.PI);
        ctx.fillStyle = PROBE;
        ctx.fill();
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = "#ffffff";
        ctx.stroke();
        if (i === probes.length - 1) {
          ctx.beginPath();
          ctx.arc(px, py, 8, 0, 2 * Math.PI);
          ctx.strokeStyle = INK;
          this.halo(() => ctx.stroke(), 1.5);
        }
      });
      // their depths: the deepest probe's first, then the latest first, leaving out any
      // label that would cover one already written
      const deepest = probes.reduce((best, p, i) => (p.depth > probes[best].depth ? i : best), 0);
      const order = probes.map((_, i) => probes.length - 1 - i).filter((i) => i !== deepest);
      const placed = [];
      ctx.save();
      ctx.font = "12px system-ui, sans-serif";
      for (const i of probes.length ? [deepest, ...order] : []) {
        const probe = probes[i];
        const [px, py] = this.toCanvas(probe.x, probe.y);
        const label = fixed(probe.depth, 2);
        const width = ctx.measureText(label).width;
        const lx = px + 9 + width > this.size - 2 ? px - 9 - width : px + 9;
        const ly = py - 7 < 12 ? py + 18 : py - 7;
        if (placed.some(([ax, ay]) => Math.abs(ax - lx) < width + 4 && Math.abs(ay - ly) < 14)) {
          continue;
        }
        placed.push([lx, ly]);
        ctx.lineWidth = 3;
        ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
        ctx.strokeText(label, lx, ly);
        ctx.fillStyle = INK;
        ctx.fillText(label, lx, ly);
      }
      ctx.restore();
    }

    drawMinima() {
      const ctx = this.context;
      const [sx, sy] = this.toCanvas(this.pit.deepest.x[0], this.pit.deepest.x[1]);
      ctx.save();
      for (const minimum of this.pit.minima.slice(1)) {
        const [px, py] = this.toCanvas(minimum.x[0], minimum.x[1]);
        ctx.strokeStyle = INK;
        ctx.lineWidth = 1.8;
        this.halo(() => {
          ctx.beginPath();
          ctx.arc(px, py, 7, 0, 2 * Math.PI);
          ctx.stroke();
        }, 1.8);
      }
      // the goal: a dashed circle of the winning radius around the deepest point
      const radius = (this.data.goal / (2 * this.pit.half_width)) * this.size;
      ctx.setLineDash([4, 3]);
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.arc(sx, sy, radius, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath();
      for (let k = 0; k < 10; k++) {
        const r = k % 2 ? 4.5 : 11;
        const angle = -Math.PI / 2 + (k * Math.PI) / 5;
        ctx.lineTo(sx + r * Math.cos(angle), sy + r * Math.sin(angle));
      }
      ctx.closePath();
      ctx.fillStyle = STAR;
      ctx.fill();
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = 1.2;
      ctx.stroke();
      ctx.restore();
    }

    drawCursor() {
      const at = this.focused ? this.cursor : this.hover;
      if (!at) return;
      const ctx = this.context;
      const [px, py] = this.toCanvas(at[0], at[1]);
      const radius = (this.data.goal / (2 * this.pit.half_width)) * this.size;
      ctx.save();
      ctx.strokeStyle = INK;
      ctx.lineWidth = 1.4;
      this.halo(() => {
        ctx.beginPath();
        ctx.moveTo(px - 12, py);
        ctx.lineTo(px - 4, py);
        ctx.moveTo(px + 4, py);
        ctx.lineTo(px + 12, py);
        ctx.moveTo(px, py - 12);
        ctx.lineTo(px, py - 4);
        ctx.moveTo(px, py + 4);
        ctx.lineTo(px, py + 12);
        ctx.stroke();
      }, 1.4);
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.arc(px, py, Math.max(radius, 3), 0, 2 * Math.PI);
      ctx.stroke();
      ctx.restore();
    }
  }

  function start() {
    for (const root of document.querySelectorAll("[data-sandpit]")) {
      if (!root.sandpit) root.sandpit = new Sandpit(root);
    }
  }

  window.mmlSandpit = { evaluate, selfCheck };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
