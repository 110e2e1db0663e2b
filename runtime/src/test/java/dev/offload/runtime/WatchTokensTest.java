package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.runtime.client.PublicJobView;
import dev.offload.runtime.client.WatchTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
  void aTokenHasExactlyOneSpelling() {
    String token = tokens.issue("mail", 42, Duration.ofMinutes(5));
    int dot = token.indexOf('.');
    String payload = token.substring(0, dot);
    String signature = token.substring(dot + 1);
    assertTrue(tokens.verify(token).watch().isPresent());
    // 32 bytes of signature take 43 characters, whose last carries 2 unused bits
    String sibling = signature.substring(0, 42) + sibling(signature.charAt(42));
    assertArrayEquals(
        Base64.getUrlDecoder().decode(signature),
        Base64.getUrlDecoder().decode(sibling),
        "the JDK's decoder reads both spellings as one");
    assertEquals(WatchTokens.Rejection.INVALID, tokens.verify(payload + "." + sibling).rejection());
    assertEquals(WatchTokens.Rejection.INVALID, tokens.verify(token + "=").rejection());
    String padded = payload + "=".repeat((4 - payload.length() % 4) % 4);
    if (!padded.equals(payload)) {
      assertEquals(
          WatchTokens.Rejection.INVALID, tokens.verify(padded + "." + signature).rejection());
    }
  }

  @Test
  void aNarrowTokenShowsTheStateOnly() {
    String token = tokens.issue("mail", 42, Duration.ofMinutes(5), WatchTokens.Scope.STATUS, false);
    WatchTokens.Watch watch = tokens.verify(token).watch().orElseThrow();
    assertEquals(WatchTokens.Scope.STATUS, watch.scope());
    assertFalse(watch.singleUse());
    PublicJobView done =
        new PublicJobView(PublicJobView.State.DONE, null, null, null, null, "{\"url\":1}", null);
    assertEquals(
        new PublicJobView(PublicJobView.State.DONE, null, null, null, null, null, null),
        watch.visible(done));
    PublicJobView failed =
        new PublicJobView(PublicJobView.State.FAILED, null, null, null, null, null, "declined");
    assertNull(watch.visible(failed).message());
    WatchTokens.Watch full =
        tokens.verify(tokens.issue("mail", 42, Duration.ofMinutes(5))).watch().orElseThrow();
    assertEquals(WatchTokens.Scope.FULL, full.scope());
    assertEquals(done, full.visible(done));
  }

  @Test
  void eachSingleUseTokenIsOneOfAKind() {
    WatchTokens.Watch first =
        tokens
            .verify(tokens.issue("mail", 42, Duration.ofMinutes(5), WatchTokens.Scope.FULL, true))
            .watch()
            .orElseThrow();
    WatchTokens.Watch second =
        tokens
            .verify(tokens.issue("mail", 42, Duration.ofMinutes(5), WatchTokens.Scope.FULL, true))
            .watch()
            .orElseThrow();
    assertTrue(first.singleUse());
    assertNotEquals(first.nonce(), second.nonce());
    assertNull(
        tokens.verify(tokens.issue("mail", 42, Duration.ofMinutes(5))).watch().get().nonce());
  }

  @Test
  void tokensOfTheFirstVersionStillGrantTheirJob() throws Exception {
    long expires = Instant.now().plusSeconds(300).getEpochSecond();
    String payload = "v1|mail|42|" + expires;
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String token =
        base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
            + "."
            + base64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    WatchTokens.Watch watch = tokens.verify(token).watch().orElseThrow();
    assertEquals(42, watch.id());
    assertEquals(WatchTokens.Scope.FULL, watch.scope());
    assertFalse(watch.singleUse());
  }

  /** The base64url character that differs from {@code c} in its lowest bit only. */
  private static char sibling(char c) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    return alphabet.charAt(alphabet.indexOf(c) ^ 1);
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
