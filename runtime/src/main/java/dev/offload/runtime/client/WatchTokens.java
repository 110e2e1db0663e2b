package dev.offload.runtime.client;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks watch tokens: proof, given to a web page, that it may follow one job.
 *
 * <p>Job ids are sequential, so an id alone must grant nothing. The application server, which knows
 * which visitor enqueued which job, issues a token for that job; the web module, holding the same
 * secret, serves the job's progress only to a request that presents a valid token, and only for the
 * job signed into it. A token is {@code base64url(payload).base64url(HMAC-SHA256)} over {@code v1},
 * the queue, the job id and the expiry time.
 *
 * <pre>{@code
 * WatchTokens tokens = WatchTokens.withSecret(System.getenv("OFFLOAD_WATCH_SECRET"));
 * String token = tokens.issue(handle.queue(), handle.id(), Duration.ofHours(1));
 * // render <offload-job token="..."> in the visitor's page
 * }</pre>
 */
public final class WatchTokens {

  /** The shortest secret accepted, in bytes of UTF-8. */
  public static final int MIN_SECRET_BYTES = 32;

  private static final String VERSION = "v1";
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  private final Clock clock;

  private WatchTokens(byte[] secret, Clock clock) {
    this.key = new SecretKeySpec(secret, ALGORITHM);
    this.clock = clock;
  }

  /**
   * Tokens signed with {@code secret}, shared by the application server and the web module.
   *
   * @throws IllegalArgumentException if the secret is shorter than {@value #MIN_SECRET_BYTES} bytes
   */
  public static WatchTokens withSecret(String secret) {
    return withSecret(secret, Clock.systemUTC());
  }

  static WatchTokens withSecret(String secret, Clock clock) {
    Objects.requireNonNull(secret, "secret");
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the watch token secret has "
              + bytes.length
              + " bytes; use at least "
              + MIN_SECRET_BYTES
              + " random bytes, for example the output"
              + " of `openssl rand -base64 48`");
    }
    return new WatchTokens(bytes, clock);
  }

  /** A token that lets its bearer follow job {@code id} of {@code queue} for {@code ttl}. */
  public String issue(String queue, long id, Duration ttl) {
    long expires = clock.instant().plus(ttl).getEpochSecond();
    String payload = VERSION + "|" + queue + "|" + id + "|" + expires;
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    return base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "."
        + base64.encodeToString(sign(payload));
  }

  /** The job a valid token grants, and until when. */
  public record Watch(String queue, long id, Instant expiresAt) {}

  /** Why a token grants nothing. */
  public enum Rejection {
    /** Not a token, or signed with another secret, or altered. */
    INVALID,
    /** Genuine, but past its expiry. */
    EXPIRED
  }

  /** The result of checking a token: the job it grants, or why it grants nothing. */
  public record Verdict(Optional<Watch> watch, Rejection rejection) {}

  /** Checks {@code token}'s signature and expiry. Never throws on bad input. */
  public Verdict verify(String token) {
    if (token == null) {
      return rejected(Rejection.INVALID);
    }
    int dot = token.indexOf('.');
    if (dot < 1 || dot != token.lastIndexOf('.')) {
      return rejected(Rejection.INVALID);
    }
    byte[] payloadBytes;
    byte[] signature;
    try {
      payloadBytes = Base64.getUrlDecoder().decode(token.substring(0, dot));
      signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return rejected(Rejection.INVALID);
    }
    String payload = new String(payloadBytes, StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(sign(payload), signature)) {
      return rejected(Rejection.INVALID);
    }
    String[] parts = payload.split("\\|", -1);
    if (parts.length != 4 || !VERSION.equals(parts[0])) {
      return rejected(Rejection.INVALID);
    }
    long id;
    long expires;
    try {
      id = Long.parseLong(parts[2]);
      expires = Long.parseLong(parts[3]);
    } catch (NumberFormatException e) {
      return rejected(Rejection.INVALID);
    }
    Instant expiresAt = Instant.ofEpochSecond(expires);
    if (!clock.instant().isBefore(expiresAt)) {
      return rejected(Rejection.EXPIRED);
    }
    return new Verdict(Optional.of(new Watch(parts[1], id, expiresAt)), null);
  }

  private static Verdict rejected(Rejection rejection) {
    return new Verdict(Optional.empty(), rejection);
  }

  private byte[] sign(String payload) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JDK has " + ALGORITHM, e);
    }
  }
}
