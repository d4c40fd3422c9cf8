// Starts Swagger UI on /docs. A file of its own, not inline, so the page's
// Content-Security-Policy (script-src 'self') holds. FastAPI's default settings, except that no
// spec validator on the internet is asked about our API (validatorUrl: null).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
