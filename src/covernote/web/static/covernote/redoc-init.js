/* ReDoc for /api/v1/redoc: started from a file, not an inline script (the CSP forbids those).
   ReDoc's one external reference is its branding logo on cdn.redoc.ly: it is pointed at our
   own icon before ReDoc renders, so the page never reaches for another host (offline). */
(function () {
  var element = document.getElementById("redoc-ui");
  var logo = element.dataset.logo;
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (name === "src" && String(value).indexOf("https://cdn.redoc.ly/") === 0) {
      value = logo;
    }
    return setAttribute.call(this, name, value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      if (String(value).indexOf("https://cdn.redoc.ly/") === 0) {
        value = logo;
      }
      src.set.call(this, value);
    },
  });
  Redoc.init(element.dataset.specUrl, { disableSearch: true }, element);
})();
