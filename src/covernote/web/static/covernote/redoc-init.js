/* ReDoc for /api/v1/redoc: started from a file, not an inline script (the CSP forbids those). */
(function () {
  var element = document.getElementById("redoc-ui");
  Redoc.init(element.dataset.specUrl, { hideDownloadButton: false, disableSearch: true }, element);
})();
