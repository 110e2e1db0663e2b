package dev.offload.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.offload.runtime.RedisUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request's way through the dashboard: security headers, the host check, the widget (which
 * needs a watch token, not a login), pages and static files, the login, then authentication, the
 * POST checks and the API. Anything that goes wrong answers with a status code and a plain message;
 * a stack trace goes to the log, never out.
 */
final class DashboardHandler implements HttpHandler {

  /** Scripts and styles only from the dashboard itself, no inline code, no framing. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self';"
          + " style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self';"
          + " frame-ancestors 'none'; base-uri 'none'";

  private static final Logger log = LoggerFactory.getLogger(DashboardHandler.class);

  private final Access access;
  private final Router router;
  private final WidgetHandler widget;
  private final StaticFiles files = new StaticFiles();

  DashboardHandler(Access access, Router router, WidgetHandler widget) {
    this.access = access;
    this.router = router;
    this.widget = widget;
  }

  @Override
  public void handle(HttpExchange exchange) {
    boolean keepOpen = false;
    try {
      securityHeaders(exchange.getResponseHeaders());
      access.checkHost(exchange);
      String method = exchange.getRequestMethod();
      List<String> segments = Request.segments(exchange.getRequestURI().getRawPath());
      if (!segments.isEmpty() && segments.get(0).equals("widget")) {
        keepOpen = widget.handle(exchange, method, segments);
      } else if (!segments.isEmpty() && segments.get(0).equals("api")) {
        api(exchange, method, segments);
      } else {
        page(exchange, method, segments);
      }
    } catch (HttpError e) {
      fail(exchange, e.status(), e.getMessage());
    } catch (RedisUnavailableException e) {
      fail(exchange, 503, e.getMessage());
    } catch (Exception e) {
      log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      fail(exchange, 500, "internal error; the dashboard's log has the details");
    } finally {
      if (!keepOpen) {
        exchange.close();
      }
    }
  }

  private void api(HttpExchange exchange, String method, List<String> segments) throws Exception {
    if (!access.authenticated(exchange)) {
      throw access.unauthorized(exchange);
    }
    Router.Match match = router.match(method, segments);
    if (method.equals("POST")) {
      access.checkOrigin(exchange);
      access.checkToken(exchange);
      access.checkWritable();
    }
    Object result = match.handler().handle(new Request(exchange, match.params()));
    if (result != Api.RESPONDED) {
      send(
          exchange,
          200,
          "application/json; charset=utf-8",
          WebJson.MAPPER.writeValueAsBytes(result));
    }
  }

  private void page(HttpExchange exchange, String method, List<String> segments)
      throws IOException {
    String path = "/" + String.join("/", segments);
    switch (method + " " + path) {
      case "GET /" -> {
        if (!access.authenticated(exchange)) {
          redirect(exchange, "/login");
        } else {
          file(exchange, "index.html");
        }
      }
      case "GET /login" -> {
        if (access.passwordProtected()) {
          file(exchange, "login.html");
        } else {
          redirect(exchange, "/");
        }
      }
      case "POST /login" -> {
        access.checkOrigin(exchange);
        access.login(exchange, new Request(exchange, Map.of()).form().get("password"));
        send(
            exchange,
            200,
            "application/json; charset=utf-8",
            "{\"loggedIn\":true}".getBytes(StandardCharsets.UTF_8));
      }
      case "POST /logout" -> {
        access.checkOrigin(exchange);
        access.checkToken(exchange);
        access.logout(exchange);
        send(
            exchange,
            200,
            "application/json; charset=utf-8",
            "{\"loggedIn\":false}".getBytes(StandardCharsets.UTF_8));
      }
      default -> {
        if (method.equals("GET") && segments.size() == 2 && segments.get(0).equals("static")) {
          file(exchange, segments.get(1));
        } else {
          throw HttpError.notFound("no such page");
        }
      }
    }
  }

  private void file(HttpExchange exchange, String name) throws IOException {
    StaticFiles.Asset asset = files.get(name);
    if (asset == null) {
      throw HttpError.notFound("no such file");
    }
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    send(exchange, 200, asset.contentType(), asset.bytes());
  }

  private static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    exchange.sendResponseHeaders(303, -1);
  }

  private static void securityHeaders(Headers headers) {
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("Cross-Origin-Opener-Policy", "same-origin");
    headers.set("Cross-Origin-Resource-Policy", "same-origin");
    headers.set("Cache-Control", "no-store");
  }

  private static void fail(HttpExchange exchange, int status, String message) {
    if (exchange.getResponseCode() != -1) {
      // the response was under way (an event stream); it can only be cut off
      return;
    }
    try {
      send(
          exchange,
          status,
          "text/plain; charset=utf-8",
          (message + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.debug("could not send the error response: {}", e.getMessage());
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
