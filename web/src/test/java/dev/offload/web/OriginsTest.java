package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checks of host names and origins that keep other sites and rebound names out. */
class OriginsTest {

  @Test
  void aWidgetOriginIsNormalizedAsBrowsersSendIt() {
    assertEquals("https://shop.example.com", WidgetHandler.origin("https://Shop.Example.com/"));
    assertEquals("https://shop.example.com", WidgetHandler.origin(" https://shop.example.com:443"));
    assertEquals("http://shop.example.com", WidgetHandler.origin("http://shop.example.com:80"));
    assertEquals("http://localhost:8081", WidgetHandler.origin("http://localhost:8081"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "shop.example.com",
        "ftp://shop.example.com",
        "https://shop.example.com/checkout",
        "https://shop.example.com/?a=1",
        "https://user@shop.example.com",
        "https://"
      })
  void aWidgetOriginThatIsNotASchemeAndAHostIsRefused(String origin) {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> WidgetHandler.origin(origin));

    assertTrue(refused.getMessage().contains(origin.trim()), refused.getMessage());
  }

  @Test
  void sameOriginComparesTheAuthorityTheRequestWasAddressedTo() {
    assertTrue(Access.sameOrigin("http://localhost:8080", "localhost:8080"));
    assertTrue(Access.sameOrigin("http://LOCALHOST:8080", "localhost:8080"));
    assertFalse(Access.sameOrigin("http://localhost:8081", "localhost:8080"));
    assertFalse(Access.sameOrigin("http://evil.example:8080", "localhost:8080"));
    assertFalse(Access.sameOrigin("null", "localhost:8080"));
    assertFalse(Access.sameOrigin("http://localhost:8080", null));
    assertFalse(Access.sameOrigin("not a url", "localhost:8080"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "localhost:8080",
        "LOCALHOST:1",
        "127.0.0.1:8080",
        "127.1.2.3",
        "[::1]:8080",
        "[::1]"
      })
  void loopbackNamesAreLoopback(String host) {
    assertTrue(Access.isLoopbackName(host), host);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "example.com",
        "localhost.example.com",
        "10.0.0.1:8080",
        "128.0.0.1",
        "evil.localhost"
      })
  void otherNamesAreNot(String host) {
    assertFalse(Access.isLoopbackName(host), host);
  }
}
