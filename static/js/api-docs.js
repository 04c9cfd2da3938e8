/* The API documentation page: starts Swagger UI with the settings of the page's body, and
   sends the session's CSRF token with requests tried out from a signed-in session. */
(function () {
  "use strict";
  var data = document.body.dataset;
  var config = JSON.parse(data.swaggerSettings);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  if (data.apiCsrf && data.csrfToken) {
    config.requestInterceptor = function (request) {
      request.headers["X-CSRFToken"] = data.csrfToken;
      return request;
    };
  }
  SwaggerUIBundle(config);
})();
