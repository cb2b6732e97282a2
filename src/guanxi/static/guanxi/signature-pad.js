// A signature pad: draw with finger, pen or mouse on a <canvas data-signature-pad>; the drawing
// is put into the hidden input named by data-target as a PNG data URL when the form is sent.
(function () {
  "use strict";
  document.querySelectorAll("canvas[data-signature-pad]").forEach(function (canvas) {
    var form = canvas.closest("form");
    var target = document.getElementById(canvas.dataset.target);
    var context = canvas.getContext("2d");
    var drawing = false;
    var touched = false;
    function fit() {
      var ratio = window.devicePixelRatio || 1;
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      context.scale(ratio, ratio);
      context.lineWidth = 2;
      context.lineCap = "round";
      context.strokeStyle = "#111";
    }
    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      touched = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      context.lineTo(p.x + 0.1, p.y + 0.1);
      context.stroke();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    var clear = form.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        touched = false;
      });
    }
    form.addEventListener("submit", function () {
      target.value = touched ? canvas.toDataURL("image/png") : "";
    });
    fit();
  });
})();
