// The playground player: draws one recorded frame at a time. Every number comes from
// the frame data that Python recorded (nothing is recomputed here but colours).
(function (uid, controls) {  // controls: player.js, the controls both players share
  "use strict";
  var root = document.getElementById(uid);
  var data = JSON.parse(document.getElementById(uid + "-data").textContent);
  var meta = data.meta, frames = data.frames, sizes = meta.sizes;
  var SVG = "http://www.w3.org/2000/svg";
  var POS = [31, 119, 180], NEG = [255, 127, 14];  // class 1 / positive, class 0 / negative
  var q = function (s) { return root.querySelector(s); };
  var net = q(".tgp-net"), boundary = q(".tgp-boundary"), curves = q(".tgp-curves");
  var count = q(".tgp-count");
  var k = 0, probe = 0, chosen = {l: 0, n: 0, i: 0};  // i == sizes[l]: the bias

  function fmt(v) {
    if (v === null || v === undefined) return "–";
    var a = Math.abs(v);
    var s = a !== 0 && (a >= 1e4 || a < 1e-3) ? v.toExponential(2) : v.toFixed(4);
    return s.replace("-", "−");
  }
  function mix(c, t) {  // white to colour c as t goes 0 to 1
    t = Math.max(0, Math.min(1, t));
    return "rgb(" + c.map(function (x) { return Math.round(255 + (x - 255) * t); }).join(",") + ")";
  }
  function signed(v, scale) { return v >= 0 ? mix(POS, v / scale) : mix(NEG, -v / scale); }
  function el(tag, attrs, parent) {
    var e = document.createElementNS(SVG, tag);
    for (var a in attrs) e.setAttribute(a, attrs[a]);
    if (parent) parent.appendChild(e);
    return e;
  }

  // ---- the network: built once, recoloured per frame ----
  var W = +net.getAttribute("width"), H = +net.getAttribute("height");
  var pos = sizes.map(function (n, l) {
    var x = 40 + l * (W - 80) / (sizes.length - 1), gap = (H - 40) / n;
    return Array.from({length: n}, function (_, i) { return [x, 20 + gap * (i + 0.5)]; });
  });
  var radius = Math.max(5, Math.min(15, (H - 40) / Math.max.apply(null, sizes) / 2.6));
  var edges = [], nodes = [];
  for (var l = 0; l + 1 < sizes.length; l++) {
    for (var n = 0; n < sizes[l + 1]; n++) {
      for (var i = 0; i < sizes[l]; i++) {
        var g = el("g", {"class": "tgp-edge"}, net), a = pos[l][i], b = pos[l + 1][n];
        var line = el("line", {x1: a[0], y1: a[1], x2: b[0], y2: b[1]}, g);
        el("line", {x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: "transparent", "stroke-width": 8}, g);
        var title = el("title", {}, g);
        g.addEventListener("click", choose.bind(null, l, n, i));
        edges.push({l: l, n: n, i: i, line: line, title: title});
      }
    }
  }
  sizes.forEach(function (size, l) {
    for (var i = 0; i < size; i++) {
      var g = el("g", {"class": "tgp-node"}, net), p = pos[l][i];
      var circle = el("circle", {cx: p[0], cy: p[1], r: radius, stroke: "#495057"}, g);
      var value = el("text", {x: p[0], y: p[1] + 3.5}, g);
      var grad = el("text", {x: p[0], y: p[1] + radius + 10, "class": "tgp-grad"}, g);
      var title = el("title", {}, g);
      if (l > 0) g.addEventListener("click", choose.bind(null, l - 1, i, sizes[l - 1]));
      nodes.push({l: l, i: i, circle: circle, value: value, grad: grad, title: title});
    }
  });

  function name(l, n, i) {
    var to = l + 1 === sizes.length - 1 ? "output" : "layer " + (l + 1) + " neuron " + (n + 1);
    var from = l === 0 ? "x" + i : "layer " + l + " neuron " + (i + 1);
    return i === sizes[l] ? "bias of " + to : "w from " + from + " to " + to;
  }
  function choose(l, n, i) { chosen = {l: l, n: n, i: i}; draw(); }

  function drawNet(f) {
    var scale = 1e-12;
    f.w.forEach(function (layer) { layer.forEach(function (ws) { ws.forEach(function (w) {
      scale = Math.max(scale, Math.abs(w)); }); }); });
    edges.forEach(function (e) {
      var w = f.w[e.l][e.n][e.i], g = f.g ? f.g[e.l][e.n][e.i] : null;
      e.line.setAttribute("stroke", w >= 0 ? mix(POS, 0.85) : mix(NEG, 0.85));
      e.line.setAttribute("stroke-width", 0.4 + 5 * Math.abs(w) / scale);
      var on = chosen.l === e.l && chosen.n === e.n && chosen.i === e.i;
      e.line.setAttribute("class", on ? "tgp-chosen" : "");
      e.title.textContent = name(e.l, e.n, e.i) + "\nw = " + fmt(w) + "\ngrad = " + fmt(g);
    });
    var pr = f.probes[probe];
    nodes.forEach(function (nd) {
      var a = pr.a[nd.l][nd.i], g = pr.g[nd.l][nd.i];
      nd.circle.setAttribute("fill", signed(a, nd.l === 0 || meta.activation === "relu" ? 2 : 1));
      var on = nd.l > 0 && chosen.l === nd.l - 1 && chosen.n === nd.i && chosen.i === sizes[nd.l - 1];
      nd.circle.setAttribute("class", on ? "tgp-chosen" : "");
      nd.value.textContent = a.toFixed(2);
      nd.grad.textContent = "∂ " + fmt(g);
      nd.title.textContent = (nd.l === 0 ? "input x" + nd.i : "neuron " + (nd.i + 1) + " of layer " + nd.l) +
        "\nactivation = " + fmt(a) + "\n∂loss/∂activation = " + fmt(g) +
        (nd.l > 0 ? "\nbias = " + fmt(f.w[nd.l - 1][nd.i][sizes[nd.l - 1]]) : "");
    });
  }

  // ---- the decision boundary: the frame's grid of P(class 1), then the points ----
  var grid = meta.grid, n = grid.n, image = document.createElement("canvas");
  image.width = image.height = n;
  function toCanvas(p) {
    return [(p[0] - grid.lo[0]) / (grid.hi[0] - grid.lo[0]) * boundary.width,
            (1 - (p[1] - grid.lo[1]) / (grid.hi[1] - grid.lo[1])) * boundary.height];
  }
  function drawBoundary(f) {
    var bytes = atob(f.boundary), ctx = image.getContext("2d"), img = ctx.createImageData(n, n);
    for (var r = 0; r < n; r++) {
      for (var c = 0; c < n; c++) {
        var p = bytes.charCodeAt(r * n + c) / 255, o = ((n - 1 - r) * n + c) * 4;  // row 0 is the bottom
        for (var j = 0; j < 3; j++) img.data[o + j] = Math.round(255 + ((p >= 0.5 ? POS[j] : NEG[j]) - 255) * Math.abs(p - 0.5) * 1.2);
        img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    var out = boundary.getContext("2d");
    out.imageSmoothingEnabled = true;
    out.drawImage(image, 0, 0, boundary.width, boundary.height);
    meta.points.forEach(function (p, i) {
      var c = toCanvas(p);
      out.beginPath(); out.arc(c[0], c[1], 3, 0, 2 * Math.PI);
      out.fillStyle = mix(meta.labels[i] ? POS : NEG, 1); out.fill();
      out.strokeStyle = "#fff"; out.lineWidth = 0.8; out.stroke();
    });
    meta.probes.forEach(function (pi, j) {
      var c = toCanvas(meta.points[pi]);
      out.beginPath(); out.arc(c[0], c[1], j === probe ? 8 : 6, 0, 2 * Math.PI);
      out.strokeStyle = "#000"; out.lineWidth = j === probe ? 2.5 : 1; out.stroke();
      out.fillStyle = "#000"; out.font = "bold 11px sans-serif"; out.fillText(String(j + 1), c[0] + 8, c[1] - 6);
    });
  }
  boundary.addEventListener("click", function (e) {
    var box = boundary.getBoundingClientRect(), best = -1, bestD = 15 * 15;
    var x = (e.clientX - box.left) * boundary.width / box.width, y = (e.clientY - box.top) * boundary.height / box.height;
    meta.probes.forEach(function (pi, j) {
      var c = toCanvas(meta.points[pi]), d = (c[0] - x) * (c[0] - x) + (c[1] - y) * (c[1] - y);
      if (d < bestD) { bestD = d; best = j; }
    });
    if (best >= 0) { probe = best; draw(); }
  });

  // ---- loss and accuracy up to this frame ----
  var maxLoss = Math.max.apply(null, frames.map(function (f) { return f.loss; }));
  function drawCurves() {
    var ctx = curves.getContext("2d"), w = curves.width, h = curves.height, left = 20, top = 24, bottom = h - 16;
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = "#adb5bd"; ctx.lineWidth = 1;
    ctx.strokeRect(left, top, w - left - 8, bottom - top);
    ctx.fillStyle = "#495057"; ctx.font = "10px sans-serif";
    ctx.fillText("step " + meta.steps, w - 60, h - 4); ctx.fillText("0", left, h - 4);
    ctx.fillText("1", 6, top + 8); ctx.fillText("0", 6, bottom);
    function x(step) { return left + (w - left - 8) * step / meta.steps; }
    function line(key, scale, colour, label, column) {
      ctx.beginPath();
      for (var j = 0; j <= k; j++) {
        var y = bottom - (bottom - top) * frames[j][key] / scale;
        if (j) ctx.lineTo(x(frames[j].step), y); else ctx.moveTo(x(frames[j].step), y);
      }
      ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.stroke();
      ctx.fillStyle = colour;
      ctx.fillText(label + " " + frames[k][key].toFixed(4), left + column, 14);
    }
    line("loss", maxLoss, "#c92a2a", "loss (top " + maxLoss.toFixed(2) + ")", 0);
    line("acc", 1, "#2b8a3e", "accuracy", 150);
    ctx.strokeStyle = "#868e96"; ctx.setLineDash([3, 3]); ctx.beginPath();
    ctx.moveTo(x(frames[k].step), top); ctx.lineTo(x(frames[k].step), bottom); ctx.stroke(); ctx.setLineDash([]);
  }

  // ---- the update of the chosen weight, in numbers ----
  function drawPanel(f) {
    var w = f.w[chosen.l][chosen.n][chosen.i], pr = f.probes[probe], pi = meta.probes[probe];
    var text = name(chosen.l, chosen.n, chosen.i) + " (click an edge or a neuron to choose)\n";
    var s = chosen.i === sizes[chosen.l] ? "b" : "w";  // a bias or a weight
    if (f.g) {
      var g = f.g[chosen.l][chosen.n][chosen.i], lr = meta.lr;
      text += "step " + f.step + ":  " + s + " = " + fmt(w) + "   grad = " + fmt(g) + "   lr = " + lr + "\n" +
        s + " ← " + s + " − lr·grad = " + fmt(w) + " − " + lr + " × (" + fmt(g) + ") = " + fmt(w - lr * g);
    } else {
      text += "step " + f.step + ":  " + s + " = " + fmt(w) + "   (training ended: no further update)";
    }
    text += "\npoint " + (probe + 1) + " (" + fmt(meta.points[pi][0]) + ", " + fmt(meta.points[pi][1]) +
      "), class " + meta.labels[pi] + ":  P(class 1) = " + pr.p.toFixed(4) +
      "; neurons show its activation, ∂ its ∂loss/∂activation";
    q(".tgp-panel").textContent = text;
  }

  function draw() {
    var f = frames[k];
    drawNet(f); drawBoundary(f); drawCurves(); drawPanel(f);
    count.textContent = "frame " + (k + 1) + " of " + frames.length + " · step " + f.step +
      " · loss " + f.loss.toFixed(4) + " · accuracy " + (100 * f.acc).toFixed(1) + "%";
  }
  controls(root, "tgp", frames.length, 120, function (i) { k = i; draw(); })(
    root.getAttribute("data-start") === "last" ? frames.length - 1 : 0);
})
