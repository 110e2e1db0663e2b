package dev.offload.samples.spring;

import dev.offload.redisserver.RedisServerProcess;
import java.util.Map;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives a test's application context a private Redis on a free port as {@code offload.redis-url},
 * and stops it with the context, after the agent has stopped: a context's beans are destroyed only
 * once its lifecycle beans are stopped, and this one is destroyed last, being registered first.
 *
 * <p>An initializer rather than a {@code @TestConfiguration}: child JVMs scan this package for the
 * application's beans, and would start a Redis of their own for a configuration found there.
 */
class PrivateRedis implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    RedisServerProcess redis = RedisServerProcess.start();
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(new MapPropertySource("privateRedis", Map.of("offload.redis-url", redis.url())));
    ((DefaultSingletonBeanRegistry) context.getBeanFactory())
        .registerDisposableBean("privateRedis", redis::close);
  }
}
