/* Nguồn e-board player — screenshots (after player-clock.js; see docs/boards-player.md).
 *
 * Owns the answer to a `screenshot` event: #screen re-rendered by the browser into a PNG (the DOM in an
 * SVG foreignObject, images and the current video frame inlined) and uploaded for the pending request.
 */
(function (P) {
  "use strict";

  var state = P.state;
  var screenEl = P.screenEl;

  function escapeXml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function snapshot(node, width, height) {
    var canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    try {
      canvas.getContext("2d").drawImage(node, 0, 0, width, height);
      return canvas.toDataURL("image/png");
    } catch (e) {
      return "";
    }
  }

  /* Render #screen into a PNG: the DOM (with its styles and fitted sizes) inside an SVG foreignObject,
     images and the current video frame inlined, drawn onto a canvas. */
  async function renderScreen() {
    var width = screenEl.clientWidth;
    var height = screenEl.clientHeight;
    var clone = screenEl.cloneNode(true);
    var originals = screenEl.querySelectorAll("img, video");
    var copies = clone.querySelectorAll("img, video");
    for (var i = 0; i < originals.length; i++) {
      var img = document.createElement("img");
      img.className = originals[i].className;
      img.setAttribute("src", snapshot(originals[i], originals[i].clientWidth || width, originals[i].clientHeight || height));
      copies[i].replaceWith(img);
    }
    var css = "";
    for (var s = 0; s < document.styleSheets.length; s++) {
      try {
        var rules = document.styleSheets[s].cssRules;
        for (var r = 0; r < rules.length; r++) css += rules[r].cssText + "\n";
      } catch (e) {
        /* not readable */
      }
    }
    clone.style.position = "absolute";
    clone.style.inset = "0";
    var html = new XMLSerializer().serializeToString(clone);
    var svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' + height + '">' +
      '<foreignObject x="0" y="0" width="' + width + '" height="' + height + '">' +
      '<div xmlns="http://www.w3.org/1999/xhtml" style="position:relative;width:' + width + "px;height:" + height + 'px;overflow:hidden">' +
      "<style>" + escapeXml(css) + "</style>" + html + "</div></foreignObject></svg>";
    var image = new Image();
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
    await image.decode();
    var canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    var context = canvas.getContext("2d");
    context.fillStyle = "#000";
    context.fillRect(0, 0, width, height);
    context.drawImage(image, 0, 0);
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (blob) {
        if (blob) resolve(blob);
        else reject(new Error("toBlob"));
      }, "image/png");
    });
  }

  async function takeScreenshot(requestId) {
    try {
      var png = await renderScreen();
      var response = await fetch(P.api("screenshots") + "?request_id=" + encodeURIComponent(requestId), {
        method: "POST",
        headers: P.authHeaders({ "Content-Type": "image/png" }),
        body: png,
      });
      if (response.ok) state.screenshots += 1;
    } catch (e) {
      /* the request stays pending; the next stream asks again */
    }
  }
  state.renderScreen = renderScreen;

  P.takeScreenshot = takeScreenshot;
})(window.NguonPlayer);
