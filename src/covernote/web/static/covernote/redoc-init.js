/* ReDoc for /api/v1/redoc: started from a file, not an inline script (the CSP forbids those).
   The bundle itself comes from /api/v1/redoc.js with its logo on this server (api/v1/api.py). */
(function () {
  var element = document.getElementById("redoc-ui");
  Redoc.init(element.dataset.specUrl, { disableSearch: true }, element);
})();
