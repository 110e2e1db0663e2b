package dev.offload.spring;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.core.env.Environment;

/**
 * Finds the Redis URL: {@code offload.redis-url}, else Spring Data's {@code spring.data.redis.url},
 * else one built from {@code spring.data.redis.host}, port, username and password.
 */
final class RedisUrls {

  private RedisUrls() {}

  static String resolve(OffloadProperties properties, Environment environment) {
    if (hasText(properties.getRedisUrl())) {
      return properties.getRedisUrl();
    }
    String url = environment.getProperty("spring.data.redis.url");
    if (hasText(url)) {
      return url;
    }
    String host = environment.getProperty("spring.data.redis.host", "localhost");
    int port = environment.getProperty("spring.data.redis.port", Integer.class, 6379);
    String username = environment.getProperty("spring.data.redis.username");
    String password = environment.getProperty("spring.data.redis.password");
    boolean ssl = environment.getProperty("spring.data.redis.ssl.enabled", Boolean.class, false);
    String userInfo = "";
    if (hasText(password)) {
      userInfo = (hasText(username) ? encode(username) : "") + ":" + encode(password) + "@";
    }
    return (ssl ? "rediss://" : "redis://") + userInfo + host + ":" + port;
  }

  /** Whether the URL carries credentials, which must not be put on a child's command line. */
  static boolean hasCredentials(String url) {
    int scheme = url.indexOf("://");
    int at = url.indexOf('@', scheme < 0 ? 0 : scheme + 3);
    return at >= 0;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static boolean hasText(String text) {
    return text != null && !text.isBlank();
  }
}
