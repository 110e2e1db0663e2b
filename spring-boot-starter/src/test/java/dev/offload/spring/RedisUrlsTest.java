package dev.offload.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** Where the starter's Redis URL comes from, in order: Offload's own, then Spring Data's. */
class RedisUrlsTest {

  @Test
  void offloadsOwnUrlComesFirst() {
    OffloadProperties properties = new OffloadProperties();
    properties.setRedisUrl("redis://offload:7000");

    assertEquals(
        "redis://offload:7000",
        RedisUrls.resolve(properties, environment(Map.of("spring.data.redis.url", "redis://x:1"))));
  }

  @Test
  void springDataUrlIsTheFirstFallback() {
    assertEquals(
        "redis://data:7001",
        RedisUrls.resolve(
            new OffloadProperties(),
            environment(
                Map.of(
                    "spring.data.redis.url", "redis://data:7001", "spring.data.redis.host", "h"))));
  }

  @Test
  void springDataHostPortAndCredentialsMakeAUrl() {
    assertEquals(
        "rediss://app:p%40ss%3Aword@cache.internal:6380",
        RedisUrls.resolve(
            new OffloadProperties(),
            environment(
                Map.of(
                    "spring.data.redis.host", "cache.internal",
                    "spring.data.redis.port", "6380",
                    "spring.data.redis.username", "app",
                    "spring.data.redis.password", "p@ss:word",
                    "spring.data.redis.ssl.enabled", "true"))));
  }

  @Test
  void withNothingConfiguredItIsTheLocalDefault() {
    assertEquals(
        "redis://localhost:6379",
        RedisUrls.resolve(new OffloadProperties(), environment(Map.of())));
  }

  @Test
  void credentialsAreToldApart() {
    assertTrue(RedisUrls.hasCredentials("redis://:secret@host:6379"));
    assertTrue(RedisUrls.hasCredentials("rediss://user:secret@host:6379/0"));
    assertFalse(RedisUrls.hasCredentials("redis://127.0.0.1:6379"));
  }

  private static StandardEnvironment environment(Map<String, Object> properties) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
    return environment;
  }
}
