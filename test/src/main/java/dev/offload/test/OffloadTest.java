package dev.offload.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class with an {@link OffloadExtension} in its defaults: a private Redis, an agent of
 * two workers in {@code thread} isolation, and {@code OffloadClient} parameters.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(OffloadExtension.class)
public @interface OffloadTest {}
