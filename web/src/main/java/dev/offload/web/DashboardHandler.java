package dev.offload.web;

import dev.offload.runtime.RedisUnavailableException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request's way through the dashboard: security headers, the host check, the widget (which
 * needs a watch token, not a login), pages and static files, the login, then authentication, the
 * POST checks and the API. Anything that goes wrong answers with a status code and a plain message;
 * a stack trace goes to the log, never out.
 *
 * <p>It runs on one of Jetty's pool threads, and may block there on Redis; an event stream is
 * handed over to an {@link EventStream} and holds no thread.
 */
final class DashboardHandler extends Handler.Abstract {

  /** Scripts and styles only from the dashboard itself, no inline code, no framing. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self';"
          + " style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self';"
          + " frame-ancestors 'none'; base-uri 'none'";

  private static final Logger log = LoggerFactory.getLogger(DashboardHandler.class);

  private final Access access;
  private final Router router;
  private final WidgetHandler widget;
  private final LiveFeed feed;
  private final StaticFiles files = new StaticFiles();
  private final Metrics metrics;

  /** The bearer token that opens {@code /metrics} alone, or null. */
  private final byte[] metricsToken;

  DashboardHandler(
      Access access,
      Router router,
      WidgetHandler widget,
      LiveFeed feed,
      Metrics metrics,
      String metricsToken) {
    this.access = access;
    this.router = router;
    this.widget = widget;
    this.feed = feed;
    this.metrics = metrics;
    this.metricsToken = metricsToken == null ? null : metricsToken.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean handle(
      org.eclipse.jetty.server.Request request, Response response, Callback callback) {
    Exchange exchange = new Exchange(request, response, callback);
    try {
      securityHeaders(exchange);
      access.checkHost(exchange);
      String method = exchange.method();
      List<String> segments = Request.segments(exchange.rawPath());
      if (!segments.isEmpty() && segments.get(0).equals("widget")) {
        widget.handle(exchange, method, segments);
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
      log.error("{} {} failed", exchange.method(), exchange.target(), e);
      fail(exchange, 500, "internal error; the dashboard's log has the details");
    }
    if (!exchange.answered()) {
      log.error("{} {} was not answered", exchange.method(), exchange.target());
      fail(exchange, 500, "internal error; the dashboard's log has the details");
    }
    if (exchange.method().equals("POST")) {
      audit(exchange);
    }
    return true;
  }

  /** Every control used, allowed or not: who, from where, what, and the answer. */
  private void audit(Exchange exchange) {
    String session = access.sessionKey(exchange);
    if (session == null) {
      session = exchange.header("Authorization") != null ? "basic-auth" : "none";
    }
    Access.AUDIT.info(
        "{} {} by session {} from {}: {}",
        exchange.method(),
        exchange.target(),
        session,
        exchange.clientAddress(),
        exchange.status());
  }

  private void api(Exchange exchange, String method, List<String> segments) throws Exception {
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
      exchange.send(
          200, "application/json; charset=utf-8", WebJson.MAPPER.writeValueAsBytes(result));
    }
  }

  private void page(Exchange exchange, String method, List<String> segments) {
    String path = "/" + String.join("/", segments);
    switch (method + " " + path) {
      case "GET /" -> {
        if (!access.authenticated(exchange)) {
          redirect(exchange, "/login");
        } else {
          file(exchange, "index.html");
        }
      }
      case "GET /metrics" -> {
        if (!scraperAuthorized(exchange) && !access.authenticated(exchange)) {
          throw access.unauthorized(exchange);
        }
        exchange.send(200, Metrics.CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8));
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
        json(exchange, "{\"loggedIn\":true}");
      }
      case "POST /logout" -> {
        access.checkOrigin(exchange);
        access.checkToken(exchange);
        String session = access.logout(exchange);
        if (session != null) {
          feed.endSession(session);
        }
        json(exchange, "{\"loggedIn\":false}");
      }
      default -> {
        if (method.equals("GET") && segments.size() >= 2 && segments.get(0).equals("static")) {
          file(exchange, String.join("/", segments.subList(1, segments.size())));
        } else {
          throw HttpError.notFound("no such page");
        }
      }
    }
  }

  /**
   * Whether the request carries the metrics token as {@code Authorization: Bearer <token>}: a
   * scraper then needs neither the dashboard's password nor a session, and the token opens nothing
   * else. Compared in constant time.
   */
  private boolean scraperAuthorized(Exchange exchange) {
    String header = exchange.header("Authorization");
    if (metricsToken == null || header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(
        metricsToken, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
  }

  private void file(Exchange exchange, String name) {
    StaticFiles.Asset asset = files.get(name);
    if (asset == null) {
      throw HttpError.notFound("no such file");
    }
    exchange.setHeader("Cache-Control", "no-cache");
    exchange.send(200, asset.contentType(), asset.bytes());
  }

  private static void json(Exchange exchange, String json) {
    exchange.send(200, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
  }

  private static void redirect(Exchange exchange, String location) {
    exchange.setHeader("Location", location);
    exchange.sendEmpty(303);
  }

  private static void securityHeaders(Exchange exchange) {
    exchange.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    exchange.setHeader("X-Content-Type-Options", "nosniff");
    exchange.setHeader("X-Frame-Options", "DENY");
    exchange.setHeader("Referrer-Policy", "no-referrer");
    exchange.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    exchange.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    exchange.setHeader("Cache-Control", "no-store");
  }

  private static void fail(Exchange exchange, int status, String message) {
    if (exchange.answered()) {
      // the response was under way (an event stream); it can only be cut off
      return;
    }
    exchange.sendText(status, message);
  }
}
