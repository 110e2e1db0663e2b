package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.runtime.client.WatchTokens;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A watch token grants one job until it expires, and nothing once altered. */
class WatchTokensTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
  private final WatchTokens tokens = WatchTokens.withSecret(SECRET);

  @Test
  void validTokenGrantsTheSignedJob() {
    WatchTokens.Verdict verdict = tokens.verify(tokens.issue("mail", 42, Duration.ofMinutes(5)));
    WatchTokens.Watch watch = verdict.watch().orElseThrow();
    assertEquals("mail", watch.queue());
    assertEquals(42, watch.id());
  }

  @Test
  void tamperedTokenIsInvalid() {
    String token = tokens.issue("mail", 42, Duration.ofMinutes(5));
    String payload =
        new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))));
    String forged =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.replace("|42|", "|43|").getBytes())
            + token.substring(token.indexOf('.'));
    assertEquals(WatchTokens.Rejection.INVALID, tokens.verify(forged).rejection());
    assertEquals(WatchTokens.Rejection.INVALID, tokens.verify(token + "x").rejection());
    assertEquals(WatchTokens.Rejection.INVALID, tokens.verify("42").rejection());
    assertEquals(WatchTokens.Rejection.INVALID, tokens.verify(null).rejection());
  }

  @Test
  void tokenSignedWithAnotherSecretIsInvalid() {
    String token =
        WatchTokens.withSecret(SECRET + "-other").issue("mail", 42, Duration.ofMinutes(5));
    assertEquals(WatchTokens.Rejection.INVALID, tokens.verify(token).rejection());
  }

  @Test
  void expiredTokenIsRejectedAsExpired() {
    String token = tokens.issue("mail", 42, Duration.ofSeconds(-1));
    WatchTokens.Verdict verdict = tokens.verify(token);
    assertTrue(verdict.watch().isEmpty());
    assertEquals(WatchTokens.Rejection.EXPIRED, verdict.rejection());
  }

  @Test
  void shortSecretIsRefusedWithAHint() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WatchTokens.withSecret("short"));
    assertEquals(
        "the watch token secret has 5 bytes; use at least 32 random bytes, for example"
            + " the output of `openssl rand -base64 48`",
        e.getMessage());
  }
}
