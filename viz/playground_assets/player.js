// The controls both players share, the backward step-through and the playground:
// Previous, Play and Next buttons, a slider, and the arrow, Home/End and space keys (on
// the whole page when the player is the page, data-page-keys="1"; else on the focused
// player). The caller draws: show(k) puts frame k on screen. Returns go(k), which moves
// to frame k (clamped) from outside, e.g. to show the first frame.
(function (root, prefix, total, delay, show) {
  var q = function (name) { return root.querySelector("." + prefix + "-" + name); };
  var slider = q("slider"), play = q("play"), timer = null, k = 0;
  function go(i) { k = Math.max(0, Math.min(total - 1, i)); slider.value = k; show(k); }
  function stop() { if (timer) { clearInterval(timer); timer = null; play.textContent = "Play"; } }
  function start() {
    if (k >= total - 1) go(0);
    play.textContent = "Pause";
    timer = setInterval(function () { if (k >= total - 1) stop(); else go(k + 1); }, delay);
  }
  q("prev").onclick = function () { stop(); go(k - 1); };
  q("next").onclick = function () { stop(); go(k + 1); };
  play.onclick = function () { if (timer) stop(); else start(); };
  slider.oninput = function () { stop(); go(+slider.value); };
  var keys = root.getAttribute("data-page-keys") === "1" ? document : root;
  keys.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") { stop(); go(k + 1); }
    else if (e.key === "ArrowLeft") { stop(); go(k - 1); }
    else if (e.key === "Home") { stop(); go(0); }
    else if (e.key === "End") { stop(); go(total - 1); }
    else if (e.key === " ") { if (timer) stop(); else start(); }
    else return;
    e.preventDefault();
  });
  return go;
})
