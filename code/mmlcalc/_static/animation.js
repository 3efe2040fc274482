// Figures that move (mmlcalc.plotting.animation): a slider and a play button step through
// frames that the book's build drew and wrote into the page. No library, no network.
"use strict";

(() => {
  class Animation {
    constructor(root) {
      const data = JSON.parse(root.querySelector(".mml-animation-data").textContent);
      this.image = root.querySelector(".mml-animation-frame");
      this.slider = root.querySelector(".mml-animation-slider");
      this.label = root.querySelector(".mml-animation-label");
      this.button = root.querySelector(".mml-animation-play");
      this.labels = data.labels;
      // the frame already in the page is left out of the data: take it from the image
      this.frames = data.frames.map((uri) => uri || this.image.src);
      this.interval = 1000 * Number(root.dataset.interval || 0.8);
      this.timer = null;
      this.slider.addEventListener("input", () => {
        this.stop();
        this.show(Number(this.slider.value));
      });
      this.button.addEventListener("click", () => (this.timer ? this.stop() : this.play()));
      root.querySelector(".mml-animation-controls").hidden = false;
    }

    show(k) {
      this.image.src = this.frames[k];
      this.slider.value = String(k);
      this.slider.setAttribute("aria-valuetext", this.labels[k]);
      this.label.textContent = this.labels[k];
    }

    play() {
      let k = Number(this.slider.value);
      if (k >= this.frames.length - 1) k = -1; // at the end: play again from the start
      this.button.textContent = "Pause";
      const next = () => {
        k += 1;
        this.show(k);
        if (k >= this.frames.length - 1) this.stop();
      };
      next();
      this.timer = window.setInterval(next, this.interval);
    }

    stop() {
      window.clearInterval(this.timer);
      this.timer = null;
      this.button.textContent = "Play";
    }
  }

  function start() {
    for (const root of document.querySelectorAll("[data-mml-animation]")) {
      if (!root.animation) root.animation = new Animation(root);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
