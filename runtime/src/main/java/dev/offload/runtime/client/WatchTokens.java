package dev.offload.runtime.client;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
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
 * job signed into it. A token is {@code base64url(payload).base64url(HMAC-SHA256)}, both unpadded,
 * over {@code v2}, the queue, the job id, the expiry time, the {@link Scope} and, for a single-use
 * token, a random nonce. Exactly one spelling of a token is accepted: padding, or a last character
 * that decodes to the same bytes, makes it invalid. Tokens of the first version ({@code v1},
 * without scope and nonce) are still accepted, as reusable {@link Scope#FULL} ones.
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

  private static final String VERSION = "v2";
  private static final String FIRST_VERSION = "v1";
  private static final String BATCH_VERSION = "b1";
  private static final SecureRandom NONCES = new SecureRandom();
  private static final String ALGORITHM = "HmacSHA256";

  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

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

  /** What a token shows of its job besides where it is. */
  public enum Scope {
    /** Its state, and its result or failure message when the job chose to show them. */
    FULL,
    /** Its state only: queued, running, retrying, done or failed; never a result or a message. */
    STATUS
  }

  /**
   * A reusable token that lets its bearer follow job {@code id} of {@code queue} for {@code ttl}.
   */
  public String issue(String queue, long id, Duration ttl) {
    return issue(queue, id, ttl, Scope.FULL, false);
  }

  /**
   * A token that lets its bearer follow job {@code id} of {@code queue} for {@code ttl}, showing
   * what {@code scope} allows.
   *
   * @param singleUse whether the job's final state may be shown once only: the first stream to
   *     reach it claims the token in Redis, and every later stream, however it holds the token, is
   *     told it was used. Reconnections before that are served as usual.
   */
  public String issue(String queue, long id, Duration ttl, Scope scope, boolean singleUse) {
    Objects.requireNonNull(scope, "scope");
    long expires = clock.instant().plus(ttl).getEpochSecond();
    String nonce = "";
    if (singleUse) {
      byte[] random = new byte[16];
      NONCES.nextBytes(random);
      nonce = BASE64.encodeToString(random);
    }
    String payload =
        String.join(
            "|",
            VERSION,
            queue,
            Long.toString(id),
            Long.toString(expires),
            scope.name().toLowerCase(Locale.ROOT),
            nonce);
    return BASE64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "."
        + BASE64.encodeToString(sign(payload));
  }

  /**
   * The job a valid token grants, until when, and how.
   *
   * @param nonce what makes a single-use token one of a kind, {@code null} for a reusable token
   */
  public record Watch(String queue, long id, Instant expiresAt, Scope scope, String nonce) {

    /** Whether the job's final state may be shown once only. */
    public boolean singleUse() {
      return nonce != null;
    }

    /** What this token shows of {@code view}. */
    public PublicJobView visible(PublicJobView view) {
      return scope == Scope.FULL ? view : view.statusOnly();
    }
  }

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
    String[] parts = signedParts(token);
    if (parts == null) {
      return rejected(Rejection.INVALID);
    }
    boolean first = parts.length == 4 && FIRST_VERSION.equals(parts[0]);
    if (!first && !(parts.length == 6 && VERSION.equals(parts[0]))) {
      return rejected(Rejection.INVALID);
    }
    long id;
    long expires;
    Scope scope;
    try {
      id = Long.parseLong(parts[2]);
      expires = Long.parseLong(parts[3]);
      scope = first ? Scope.FULL : Scope.valueOf(parts[4].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return rejected(Rejection.INVALID);
    }
    Instant expiresAt = Instant.ofEpochSecond(expires);
    if (!clock.instant().isBefore(expiresAt)) {
      return rejected(Rejection.EXPIRED);
    }
    String nonce = first || parts[5].isEmpty() ? null : parts[5];
    return new Verdict(Optional.of(new Watch(parts[1], id, expiresAt, scope, nonce)), null);
  }

  /**
   * A token that lets its bearer read batch {@code batchId}'s counts (total, succeeded, failed,
   * pending) for {@code ttl}: nothing of its jobs' arguments or results. A batch token never passes
   * as a job's, nor a job's as a batch's.
   */
  public String issueBatch(long batchId, Duration ttl) {
    long expires = clock.instant().plus(ttl).getEpochSecond();
    String payload =
        String.join("|", BATCH_VERSION, Long.toString(batchId), Long.toString(expires));
    return BASE64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "."
        + BASE64.encodeToString(sign(payload));
  }

  /** The batch a valid batch token grants, and until when. */
  public record BatchWatch(long batchId, Instant expiresAt) {}

  /** The result of checking a batch token: the batch it grants, or why it grants nothing. */
  public record BatchVerdict(Optional<BatchWatch> watch, Rejection rejection) {}

  /** Checks a batch token's signature and expiry. Never throws on bad input. */
  public BatchVerdict verifyBatch(String token) {
    String[] parts = signedParts(token);
    if (parts == null || parts.length != 3 || !BATCH_VERSION.equals(parts[0])) {
      return new BatchVerdict(Optional.empty(), Rejection.INVALID);
    }
    long id;
    long expires;
    try {
      id = Long.parseLong(parts[1]);
      expires = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      return new BatchVerdict(Optional.empty(), Rejection.INVALID);
    }
    Instant expiresAt = Instant.ofEpochSecond(expires);
    if (!clock.instant().isBefore(expiresAt)) {
      return new BatchVerdict(Optional.empty(), Rejection.EXPIRED);
    }
    return new BatchVerdict(Optional.of(new BatchWatch(id, expiresAt)), null);
  }

  /** The fields of {@code token}'s payload when its spelling and signature are valid, else null. */
  private String[] signedParts(String token) {
    if (token == null) {
      return null;
    }
    int dot = token.indexOf('.');
    if (dot < 1 || dot != token.lastIndexOf('.')) {
      return null;
    }
    byte[] payloadBytes = decode(token.substring(0, dot));
    byte[] signature = decode(token.substring(dot + 1));
    if (payloadBytes == null || signature == null) {
      return null;
    }
    String payload = new String(payloadBytes, StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(sign(payload), signature)) {
      return null;
    }
    return payload.split("\\|", -1);
  }

  /**
   * The bytes of unpadded base64url {@code text}, or {@code null} unless {@code text} is exactly
   * how those bytes are written: the JDK's decoder also takes padding and ignores the unused low
   * bits of the last character, which would give one token several spellings.
   */
  private static byte[] decode(String text) {
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(text);
      return BASE64.encodeToString(bytes).equals(text) ? bytes : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
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
