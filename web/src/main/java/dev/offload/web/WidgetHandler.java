package dev.offload.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.offload.runtime.client.BatchProgress;
import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.WatchTokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The widget's endpoints, which other sites' pages call without a login or a CSRF token: {@code GET
 * /widget/offload-job.js}, the script, {@code GET /widget/jobs/stream?token=...}, one job's event
 * stream, and {@code GET /widget/batches/progress?token=...}, one batch's counts.
 *
 * <p>A stream is served only for the job signed into a valid watch token, so a sequential id grants
 * nothing. A token that is not one, was altered or was signed with another secret gets 401, an
 * expired one 403, both with an empty body: a caller learns nothing else. Cross-origin pages may
 * read the script and the streams only from the origins on the allow-list (CORS); a stream asked
 * for by a browser page of another origin gets 403.
 */
final class WidgetHandler {

  static final String SCRIPT_PATH = "/widget/offload-job.js";
  static final String STREAM_PATH = "/widget/jobs/stream";
  static final String BATCH_PATH = "/widget/batches/progress";

  private static final String SCRIPT_RESOURCE = "/dev/offload/web/widget/offload-job.js";
  private static final int MIN_RETRY_MILLIS = 1_500;

  private final byte[] script = load();
  private final WatchTokens tokens;
  private final Set<String> origins;
  private final WidgetStreams streams;
  private final OffloadAdmin admin;

  /**
   * @param tokens checks watch tokens; {@code null} when the dashboard has no watch secret, and so
   *     serves no streams
   * @param origins the origins, as {@link #origin} writes them, whose pages may embed the widget
   */
  WidgetHandler(
      WatchTokens tokens, Set<String> origins, WidgetStreams streams, OffloadAdmin admin) {
    this.tokens = tokens;
    this.origins = Set.copyOf(origins);
    this.streams = streams;
    this.admin = admin;
  }

  /** Serves a request for a path under {@code /widget/}. */
  void handle(Exchange exchange, String method, List<String> segments) {
    String path = "/" + String.join("/", segments);
    if (!path.equals(SCRIPT_PATH) && !path.equals(STREAM_PATH) && !path.equals(BATCH_PATH)) {
      throw HttpError.notFound("no such widget file");
    }
    if (!method.equals("GET")) {
      throw new HttpError(405, method + " is not allowed here");
    }
    boolean originAllowed = cors(exchange);
    if (path.equals(SCRIPT_PATH)) {
      script(exchange);
    } else if (path.equals(BATCH_PATH)) {
      batch(exchange, originAllowed);
    } else {
      stream(exchange, originAllowed);
    }
  }

  /** Allows the request's origin to read the response when it is on the allow-list. */
  private boolean cors(Exchange exchange) {
    exchange.addHeader("Vary", "Origin");
    String origin = exchange.header("Origin");
    if (origin == null) {
      // not a cross-origin request of a browser: a classic script tag, or a program
      return true;
    }
    if (origins.contains(origin)) {
      exchange.setHeader("Access-Control-Allow-Origin", origin);
      return true;
    }
    return Access.sameOrigin(origin, exchange.host());
  }

  private void script(Exchange exchange) {
    // other sites' pages load it with a script tag, which a same-origin resource policy blocks
    exchange.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
    exchange.setHeader("Cache-Control", "no-cache");
    exchange.send(200, "text/javascript; charset=utf-8", script);
  }

  /** Watch tokens are signed with the watch secret; without one the widget's routes are off. */
  private void requireWatchSecret() {
    if (tokens == null) {
      throw HttpError.notFound(
          "the widget is off: this dashboard has no watch secret"
              + " (--watch-secret or OFFLOAD_WATCH_SECRET)");
    }
  }

  private void stream(Exchange exchange, boolean originAllowed) {
    if (!originAllowed) {
      exchange.sendEmpty(403);
      return;
    }
    requireWatchSecret();
    WatchTokens.Verdict verdict = tokens.verify(token(exchange.rawQuery()));
    if (verdict.watch().isEmpty()) {
      exchange.sendEmpty(verdict.rejection() == WatchTokens.Rejection.EXPIRED ? 403 : 401);
      return;
    }
    WatchTokens.Watch watch = verdict.watch().get();
    // spread out the reconnections of many browsers after a restart
    int retry = MIN_RETRY_MILLIS + ThreadLocalRandom.current().nextInt(MIN_RETRY_MILLIS);
    streams.open(exchange, watch, "retry: " + retry + "\n\n");
  }

  /**
   * A batch's counts for the batch signed into a valid batch token, as JSON: {@code total}, {@code
   * succeeded}, {@code failed}, {@code pending}, {@code done} and {@code ended}; the widget asks
   * again until it ended.
   */
  private void batch(Exchange exchange, boolean originAllowed) {
    if (!originAllowed) {
      exchange.sendEmpty(403);
      return;
    }
    requireWatchSecret();
    WatchTokens.BatchVerdict verdict = tokens.verifyBatch(token(exchange.rawQuery()));
    if (verdict.watch().isEmpty()) {
      exchange.sendEmpty(verdict.rejection() == WatchTokens.Rejection.EXPIRED ? 403 : 401);
      return;
    }
    long id = verdict.watch().get().batchId();
    BatchProgress progress =
        admin
            .batch(id)
            .orElseThrow(
                () ->
                    HttpError.notFound(
                        "no batch " + id + ": it ended over a week ago, or was never created"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("total", progress.total());
    body.put("succeeded", progress.succeeded());
    body.put("failed", progress.failed());
    body.put("pending", progress.pending());
    body.put("done", progress.done());
    body.put("ended", progress.ended());
    exchange.setHeader("Cache-Control", "no-store");
    try {
      exchange.send(200, "application/json", WebJson.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("counts always serialize", e);
    }
  }

  private static String token(String rawQuery) {
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        // a token is base64url and a dot: it never needs percent-encoding
        if (pair.startsWith("token=")) {
          return pair.substring("token=".length());
        }
      }
    }
    return null;
  }

  /**
   * {@code origin} as browsers send it in the {@code Origin} header: scheme, host and a port other
   * than the scheme's default, such as {@code https://shop.example.com}.
   *
   * @throws IllegalArgumentException if it is not an http or https origin
   */
  static String origin(String origin) {
    URI uri;
    try {
      uri = new URI(origin.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("widget origin \"" + origin + "\" is not a URL", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean bare =
        (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
            && uri.getRawQuery() == null
            && uri.getRawFragment() == null
            && uri.getRawUserInfo() == null;
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || !bare) {
      throw new IllegalArgumentException(
          "widget origin \""
              + origin
              + "\" must be a scheme,"
              + " a host and an optional port, such as https://shop.example.com");
    }
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || (scheme.equals("http") && port == 80)
            || (scheme.equals("https") && port == 443);
    return scheme
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port);
  }

  private static byte[] load() {
    try (InputStream in = WidgetHandler.class.getResourceAsStream(SCRIPT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SCRIPT_RESOURCE + " is missing from the dashboard's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + SCRIPT_RESOURCE, e);
    }
  }
}
