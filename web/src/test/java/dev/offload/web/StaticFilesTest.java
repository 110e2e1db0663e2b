package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.runtime.client.OffloadClient;
import dev.offload.testing.RedisExtension;
import dev.offload.web.support.WebClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The UI's files and the charting library's, served from the class path by name only. */
class StaticFilesTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void uplotComesFromItsWebJarUnderTheDashboardsOwnOrigin() {
    try (OffloadClient client =
            OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build();
        Dashboard dashboard = Dashboard.builder(client).port(0).start()) {
      WebClient web = new WebClient(dashboard.uri());

      HttpResponse<String> script = web.get("/static/vendor/uplot/uPlot.iife.min.js");
      assertEquals(200, script.statusCode());
      assertEquals(
          "text/javascript; charset=utf-8", script.headers().firstValue("Content-Type").get());
      assertTrue(script.body().contains("uPlot"), "not uPlot's script");
      // served by the dashboard itself, so the page's script-src 'self' allows it
      assertEquals(
          DashboardHandler.CONTENT_SECURITY_POLICY,
          script.headers().firstValue("Content-Security-Policy").get());

      HttpResponse<String> style = web.get("/static/vendor/uplot/uPlot.min.css");
      assertEquals(200, style.statusCode());
      assertEquals("text/css; charset=utf-8", style.headers().firstValue("Content-Type").get());
      assertTrue(style.body().contains(".uplot"), "not uPlot's style sheet");

      // only the listed names: not the rest of the WebJar, not the class path
      assertEquals(404, web.get("/static/vendor/uplot/uPlot.iife.js").statusCode());
      assertEquals(404, web.get("/static/vendor/uplot/../../static/app.js").statusCode());
      assertEquals(
          404, web.get("/static/META-INF/maven/org.webjars.npm/uplot/pom.xml").statusCode());
      assertEquals(200, web.get("/static/app.js").statusCode());
    }
  }
}
