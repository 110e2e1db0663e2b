package dev.offload.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may do what: the password (HTTP basic for scripts, a login form and a session cookie for
 * browsers), the CSRF token every POST must carry, the read-only mode, the origin and host checks,
 * and the throttling of wrong passwords.
 *
 * <p>Why each check: the token in a header, which another site's page can neither read nor send,
 * stops cross-site request forgery even for a dashboard without a password on localhost, where any
 * web page the user opens can still reach 127.0.0.1; the SameSite cookie and the Origin check are a
 * second fence. Without a password the dashboard answers only requests addressed to a loopback
 * name, so a DNS-rebinding page cannot read it either.
 *
 * <p>The token is an HMAC of the cookie's value and the host it was issued for, under a key made at
 * start, so a cookie without a login costs no memory: a GET without a cookie creates no session,
 * and a flood of them fills nothing. Only a login stores a session, in a table bounded by evicting
 * the least recently used one; a session answers only at the host and origin it logged in at.
 */
final class Access {

  /** The header that carries the CSRF token on every POST. */
  static final String CSRF_HEADER = "X-Offload-Csrf";

  /** The header the dashboard's own scripts send, so a 401 does not pop the basic-auth dialog. */
  static final String UI_HEADER = "X-Offload-Ui";

  /** The logger of every control used and every refused login. */
  static final Logger AUDIT = LoggerFactory.getLogger("dev.offload.web.audit");

  static final int MAX_SESSIONS = 10_000;
  private static final Duration SESSION_IDLE = Duration.ofHours(12);
  private static final List<String> LOOPBACK_HOSTS =
      List.of("localhost", "127.0.0.1", "[::1]", "::1");
  private static final Pattern LOOPBACK_IPV4 = Pattern.compile("127(\\.\\d{1,3}){3}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] passwordDigest;
  private final boolean readOnly;
  private final boolean secure;
  private final String publicOrigin;
  private final String cookieName;
  private final String cookieAttributes;
  private final byte[] tokenKey = new byte[32];
  private final Sessions sessions = new Sessions(MAX_SESSIONS, SESSION_IDLE.toMillis());
  private final LoginThrottle throttle = new LoginThrottle();

  /**
   * @param secure whether browsers reach it over HTTPS (its own TLS, or a proxy's)
   * @param publicOrigin the origin browsers reach it at through a proxy, or {@code null}
   */
  Access(String password, boolean readOnly, int port, boolean secure, String publicOrigin) {
    this.passwordDigest = password == null ? null : digest(password);
    this.readOnly = readOnly;
    this.secure = secure;
    this.publicOrigin = publicOrigin;
    // a __Host- cookie is sent only over HTTPS, and only to the host that set it; a plain one
    // reaches every port of its host name, so each port names its own
    this.cookieName = secure ? "__Host-offload_session" : "offload_session_" + port;
    this.cookieAttributes = "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    RANDOM.nextBytes(tokenKey);
  }

  boolean passwordProtected() {
    return passwordDigest != null;
  }

  boolean readOnly() {
    return readOnly;
  }

  String cookieName() {
    return cookieName;
  }

  /** How many logged-in sessions are kept. */
  int sessionCount() {
    return sessions.size();
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

  /**
   * The request's logged-in session, if its cookie names a live one.
   *
   * @throws HttpError 403 if the session was logged in at another host or origin: the cookie came
   *     from another port of the same host name
   */
  private Sessions.Session session(Exchange exchange) {
    String id = cookie(exchange, cookieName);
    if (id == null) {
      return null;
    }
    Sessions.Session session = sessions.get(id, System.currentTimeMillis());
    if (session == null) {
      return null;
    }
    String origin = exchange.header("Origin");
    if (!session.host.equalsIgnoreCase(String.valueOf(exchange.host()))
        || (origin != null && !origin.equalsIgnoreCase(session.origin))) {
      AUDIT.warn(
          "session {} refused from {}: logged in at {}, used from {}",
          session.key,
          exchange.clientAddress(),
          session.origin,
          origin != null ? origin : exchange.host());
      throw HttpError.forbidden(
          "this session belongs to another origin (" + session.origin + "); log in here");
    }
    return session;
  }

  /**
   * The CSRF token of the request's cookie. A request without one gets a new cookie, and no session
   * is stored for it: the token is derived from the cookie.
   */
  String csrfToken(Exchange exchange) {
    String id = cookie(exchange, cookieName);
    if (id == null) {
      id = randomToken();
      setCookie(exchange, id);
    }
    return token(id, exchange.host());
  }

  private String token(String cookie, String host) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(tokenKey, "HmacSHA256"));
      mac.update(cookie.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      mac.update(String.valueOf(host).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has HmacSHA256", e);
    }
  }

  private void setCookie(Exchange exchange, String id) {
    exchange.addHeader("Set-Cookie", cookieName + "=" + id + cookieAttributes);
  }

  /**
   * A short name of the request's session, a hash of its cookie and never the cookie itself: for
   * the audit log, and to find the streams a session opened. {@code null} without a cookie.
   */
  String sessionKey(Exchange exchange) {
    String id = cookie(exchange, cookieName);
    return id == null ? null : key(id);
  }

  private static String key(String cookie) {
    return HexFormat.of().formatHex(digest(cookie), 0, 6);
  }

  /**
   * Whether the request may read: no password, a logged-in session, or the right basic auth.
   *
   * @throws HttpError 429 when the client sent too many wrong passwords of late
   */
  boolean authenticated(Exchange exchange) {
    if (!passwordProtected()) {
      return true;
    }
    if (session(exchange) != null) {
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
    return checkPassword(exchange, colon < 0 ? null : decoded.substring(colon + 1), "basic auth");
  }

  /** Checks a password, within the throttle, and logs a refusal. */
  private boolean checkPassword(Exchange exchange, String password, String how) {
    String client = exchange.clientAddress();
    long now = System.currentTimeMillis();
    long wait = throttle.waitMillis(client, now);
    if (wait > 0) {
      long seconds = Math.max(1, (wait + 999) / 1000);
      AUDIT.warn(
          "login refused ({}) from {}, session {}: too many wrong passwords, retry after {} s",
          how,
          client,
          sessionKey(exchange),
          seconds);
      exchange.setHeader("Retry-After", Long.toString(seconds));
      throw new HttpError(
          429, "too many wrong passwords from your address; try again in " + seconds + " s");
    }
    if (password != null && passwordMatches(password)) {
      throttle.succeeded(client);
      return true;
    }
    int failures = throttle.failed(client, now);
    AUDIT.warn(
        "login refused ({}) from {}, session {}: wrong password, {} of late from this address",
        how,
        client,
        sessionKey(exchange),
        failures);
    return false;
  }

  /** The 401 answer; scripts get a basic-auth challenge, the dashboard's own pages do not. */
  HttpError unauthorized(Exchange exchange) {
    if (exchange.header(UI_HEADER) == null) {
      exchange.setHeader(
          "WWW-Authenticate", "Basic realm=\"Offload dashboard\", charset=\"UTF-8\"");
    }
    return new HttpError(401, "log in first: this dashboard needs a password");
  }

  /**
   * Logs a browser in when {@code password} is right: a fresh session (so that a session id planted
   * before it is worth nothing), bound to the host and origin of this request.
   */
  void login(Exchange exchange, String password) {
    if (!passwordProtected()) {
      throw HttpError.badRequest("this dashboard has no password to log in with");
    }
    if (!checkPassword(exchange, password, "form")) {
      throw new HttpError(401, "wrong password");
    }
    String old = cookie(exchange, cookieName);
    if (old != null) {
      sessions.remove(old);
    }
    String id = randomToken();
    String host = String.valueOf(exchange.host());
    String origin = exchange.header("Origin");
    long now = System.currentTimeMillis();
    sessions.put(
        id,
        new Sessions.Session(
            key(id),
            host,
            origin != null ? origin : (secure ? "https://" : "http://") + host,
            now));
    setCookie(exchange, id);
    AUDIT.info("login from {}, session {}", exchange.clientAddress(), key(id));
  }

  /** Ends the request's session; returns its key, or {@code null} if it had none. */
  String logout(Exchange exchange) {
    String id = cookie(exchange, cookieName);
    if (id != null) {
      sessions.remove(id);
    }
    exchange.addHeader("Set-Cookie", cookieName + "=; Max-Age=0" + cookieAttributes);
    return id == null ? null : key(id);
  }

  /** Refuses a POST sent by another site's page. */
  void checkOrigin(Exchange exchange) {
    String origin = exchange.header("Origin");
    if (origin != null
        && !sameOrigin(origin, exchange.host())
        && !origin.equalsIgnoreCase(publicOrigin)) {
      throw HttpError.forbidden("cross-site request refused");
    }
  }

  /** Refuses a POST without its cookie's CSRF token. */
  void checkToken(Exchange exchange) {
    String id = cookie(exchange, cookieName);
    String token = exchange.header(CSRF_HEADER);
    if (id == null
        || token == null
        || !MessageDigest.isEqual(
            token.getBytes(StandardCharsets.UTF_8),
            token(id, exchange.host()).getBytes(StandardCharsets.UTF_8))) {
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
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
