package dev.offload.spring;

import dev.offload.runtime.JobFilter;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Offload in a Spring Boot application, from the {@code offload.*} properties: an {@link
 * OffloadClient}, a bean for every generated stub on the class path, an agent, with the
 * application's {@link JobFilter} beans, and a dashboard started and stopped with the context when
 * enabled, and, where actuator is present, a health indicator and an info entry.
 */
@AutoConfiguration
@ConditionalOnClass(OffloadClient.class)
@EnableConfigurationProperties(OffloadProperties.class)
public class OffloadAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  OffloadClient offloadClient(
      OffloadProperties properties,
      Environment environment,
      ObjectProvider<OffloadCustomizer> customizers) {
    OffloadClient.Builder builder =
        OffloadClient.builder(RedisUrls.resolve(properties, environment))
            .prefix(properties.getPrefix());
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    return builder.build();
  }

  @Bean
  static JobStubsRegistrar offloadJobStubsRegistrar() {
    return new JobStubsRegistrar();
  }

  @Bean
  @ConditionalOnProperty(prefix = "offload.agent", name = "enabled", havingValue = "true")
  OffloadAgentLifecycle offloadAgent(
      OffloadProperties properties,
      Environment environment,
      ApplicationContext context,
      ObjectProvider<OffloadCustomizer> customizers) {
    return new OffloadAgentLifecycle(
        properties, RedisUrls.resolve(properties, environment), context, customizers);
  }

  @Bean
  @ConditionalOnProperty(prefix = "offload.dashboard", name = "enabled", havingValue = "true")
  @ConditionalOnClass(name = "dev.offload.web.Dashboard")
  OffloadDashboardLifecycle offloadDashboard(OffloadClient client, OffloadProperties properties) {
    return new OffloadDashboardLifecycle(client, properties.getDashboard());
  }

  /**
   * The application's {@link JobFilter} beans, added to the agent in their {@code @Order}: the
   * first outermost.
   */
  @Bean
  OffloadCustomizer offloadJobFiltersCustomizer(ObjectProvider<JobFilter> filters) {
    return new OffloadCustomizer() {
      @Override
      public void customize(Agent.Builder agent) {
        filters.orderedStream().forEach(agent::filter);
      }
    };
  }

  /** The application's Micrometer registry, bound to the client's and the agent's meters. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  static class Meters {

    @Bean
    OffloadCustomizer offloadMeterRegistryCustomizer(ObjectProvider<MeterRegistry> registry) {
      return new OffloadCustomizer() {
        @Override
        public void customize(OffloadClient.Builder client) {
          registry.ifAvailable(client::meterRegistry);
        }

        @Override
        public void customize(Agent.Builder agent) {
          registry.ifAvailable(agent::meterRegistry);
        }
      };
    }
  }

  /** The application's OpenTelemetry, which the agent's spans per attempt are made with. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.opentelemetry.api.OpenTelemetry")
  static class Traces {

    @Bean
    OffloadCustomizer offloadOpenTelemetryCustomizer(ObjectProvider<OpenTelemetry> openTelemetry) {
      return new OffloadCustomizer() {
        @Override
        public void customize(Agent.Builder agent) {
          openTelemetry.ifAvailable(agent::openTelemetry);
        }
      };
    }
  }

  /** The actuator entries, only where the application has actuator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class Actuator {

    @Bean
    @ConditionalOnEnabledHealthIndicator("offload")
    @ConditionalOnMissingBean(name = "offloadHealthIndicator")
    OffloadHealthIndicator offloadHealthIndicator(
        OffloadClient client, ObjectProvider<OffloadAgentLifecycle> agent) {
      return new OffloadHealthIndicator(client, agent);
    }

    @Bean
    @ConditionalOnClass(InfoContributor.class)
    @ConditionalOnMissingBean(name = "offloadInfoContributor")
    OffloadInfoContributor offloadInfoContributor(OffloadProperties properties) {
      return new OffloadInfoContributor(properties);
    }
  }
}
