package dev.offload.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Who may do what: the password (HTTP basic for scripts, a login form and a session cookie for
 * browsers), the per-session CSRF token every POST must carry, the read-only mode, and the origin
 * and host checks.
 *
 * <p>Why each check: the token in a header, which another site's page can neither read nor send,
 * stops cross-site request forgery even for a dashboard without a password on localhost, where any
 * web page the user opens can still reach 127.0.0.1; the SameSite cookie and the Origin check are a
 * second fence. Without a password the dashboard answers only requests addressed to a loopback
 * name, so a DNS-rebinding page cannot read it either.
 */
final class Access {

  /** The header that carries the CSRF token on every POST. */
  static final String CSRF_HEADER = "X-Offload-Csrf";

  /** The header the dashboard's own scripts send, so a 401 does not pop the basic-auth dialog. */
  static final String UI_HEADER = "X-Offload-Ui";

  private static final Duration SESSION_IDLE = Duration.ofHours(12);
  private static final int MAX_SESSIONS = 10_000;
  private static final List<String> LOOPBACK_HOSTS =
      List.of("localhost", "127.0.0.1", "[::1]", "::1");
  private static final Pattern LOOPBACK_IPV4 = Pattern.compile("127(\\.\\d{1,3}){3}");
  private static final SecureRandom TOKENS = new SecureRandom();

  /** One browser's session: its CSRF token and whether it logged in. */
  static final class Session {
    final String csrfToken = randomToken();
    volatile boolean authenticated;
    volatile long lastSeenMillis = System.currentTimeMillis();
  }

  private final byte[] passwordDigest;
  private final boolean readOnly;
  private final String cookieName;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  Access(String password, boolean readOnly, int port) {
    this.passwordDigest = password == null ? null : digest(password);
    this.readOnly = readOnly;
    // cookies ignore ports: two dashboards on one host must not overwrite each other's session
    this.cookieName = "offload_session_" + port;
  }

  boolean passwordProtected() {
    return passwordDigest != null;
  }

  boolean readOnly() {
    return readOnly;
  }

  /**
   * Refuses a request addressed to a name other than a loopback one when no password guards the
   * dashboard: such a request comes through a proxy or a rebound DNS name.
   */
  void checkHost(Exchange exchange) {
    if (passwordProtected()) {
      return;
    }
    if (!isLoopbackName(exchange.host())) {
      throw HttpError.forbidden(
          "this dashboard has no password, so it answers only requests"
              + " to localhost; give it a password to reach it by another name");
    }
  }

  /** The request's session, if its cookie names a live one. */
  Session session(Exchange exchange) {
    String id = cookie(exchange, cookieName);
    if (id == null) {
      return null;
    }
    Session session = sessions.get(id);
    long now = System.currentTimeMillis();
    if (session == null || now - session.lastSeenMillis > SESSION_IDLE.toMillis()) {
      return null;
    }
    session.lastSeenMillis = now;
    return session;
  }

  /** The request's session, or a new one set in a cookie on the response. */
  Session sessionOrNew(Exchange exchange) {
    Session session = session(exchange);
    return session != null ? session : newSession(exchange);
  }

  private Session newSession(Exchange exchange) {
    if (sessions.size() >= MAX_SESSIONS) {
      long cutoff = System.currentTimeMillis() - SESSION_IDLE.toMillis();
      sessions.values().removeIf(s -> s.lastSeenMillis < cutoff);
      if (sessions.size() >= MAX_SESSIONS) {
        throw new HttpError(503, "too many open sessions; try again later");
      }
    }
    String id = randomToken();
    Session session = new Session();
    sessions.put(id, session);
    exchange.addHeader("Set-Cookie", cookieName + "=" + id + "; Path=/; HttpOnly; SameSite=Strict");
    return session;
  }

  /**
   * A short name of the request's session, a hash of its cookie and never the cookie itself: for
   * the audit log, and to find the streams a session opened. {@code null} without a session.
   */
  String sessionKey(Exchange exchange) {
    String id = cookie(exchange, cookieName);
    if (id == null) {
      return null;
    }
    return HexFormat.of().formatHex(digest(id), 0, 6);
  }

  /** Whether the request may read: no password, a logged-in session, or the right basic auth. */
  boolean authenticated(Exchange exchange) {
    if (!passwordProtected()) {
      return true;
    }
    Session session = session(exchange);
    if (session != null && session.authenticated) {
      return true;
    }
    String header = exchange.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    return colon >= 0 && passwordMatches(decoded.substring(colon + 1));
  }

  /** The 401 answer; scripts get a basic-auth challenge, the dashboard's own pages do not. */
  HttpError unauthorized(Exchange exchange) {
    if (exchange.header(UI_HEADER) == null) {
      exchange.setHeader(
          "WWW-Authenticate", "Basic realm=\"Offload dashboard\", charset=\"UTF-8\"");
    }
    return new HttpError(401, "log in first: this dashboard needs a password");
  }

  /** Logs a session in when {@code password} is right; the session then gets a fresh id. */
  void login(Exchange exchange, String password) {
    if (!passwordProtected()) {
      throw HttpError.badRequest("this dashboard has no password to log in with");
    }
    if (password == null || !passwordMatches(password)) {
      throw new HttpError(401, "wrong password");
    }
    // a fresh session on login, so that a session id planted before it is worth nothing
    Session old = session(exchange);
    if (old != null) {
      sessions.values().remove(old);
    }
    newSession(exchange).authenticated = true;
  }

  void logout(Exchange exchange) {
    Session session = session(exchange);
    if (session != null) {
      sessions.values().remove(session);
    }
    exchange.addHeader(
        "Set-Cookie", cookieName + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  }

  /** Refuses a POST sent by another site's page. */
  void checkOrigin(Exchange exchange) {
    String origin = exchange.header("Origin");
    if (origin != null && !sameOrigin(origin, exchange.host())) {
      throw HttpError.forbidden("cross-site request refused");
    }
  }

  /** Refuses a POST without its session's CSRF token. */
  void checkToken(Exchange exchange) {
    Session session = session(exchange);
    String token = exchange.header(CSRF_HEADER);
    if (session == null
        || token == null
        || !MessageDigest.isEqual(
            token.getBytes(StandardCharsets.UTF_8),
            session.csrfToken.getBytes(StandardCharsets.UTF_8))) {
      throw HttpError.forbidden(
          "missing or stale CSRF token: reload the page and try again"
              + " (scripts: GET /api/session, then send its csrfToken in "
              + CSRF_HEADER
              + ")");
    }
  }

  /** Refuses a change to jobs, queues or workers in read-only mode. */
  void checkWritable() {
    if (readOnly) {
      throw HttpError.forbidden("this dashboard is read-only");
    }
  }

  /** Whether a {@code Host} header names this machine's loopback, with or without a port. */
  static boolean isLoopbackName(String host) {
    String name = host == null ? "" : host.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
    return LOOPBACK_HOSTS.contains(name) || LOOPBACK_IPV4.matcher(name).matches();
  }

  /** Whether {@code origin} names the host the request was addressed to. */
  static boolean sameOrigin(String origin, String host) {
    try {
      URI uri = URI.create(origin);
      return host != null && host.equalsIgnoreCase(uri.getRawAuthority());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private boolean passwordMatches(String candidate) {
    return MessageDigest.isEqual(passwordDigest, digest(candidate));
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String cookie(Exchange exchange, String name) {
    for (String header : exchange.headers("Cookie")) {
      for (String pair : header.split(";")) {
        int equals = pair.indexOf('=');
        if (equals > 0 && pair.substring(0, equals).trim().equals(name)) {
          return pair.substring(equals + 1).trim();
        }
      }
    }
    return null;
  }

  private static String randomToken() {
    byte[] bytes = new byte[32];
    TOKENS.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
