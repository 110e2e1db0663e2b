package dev.offload.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Queue names are 1 to 64 characters that cannot break a Redis key's {@code {q}} hash tag. */
class QueueNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "default",
        "a",
        "Mail-2.urgent_eu",
        // 64 characters, the longest name allowed
        "0123456789012345678901234567890123456789012345678901234567890123"
      })
  void validNameHasNoProblem(String name) {
    assertTrue(QueueNames.isValid(name));
    assertNull(QueueNames.problem(name));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "mail:urgent",
        "{mail}",
        "mail queue",
        "mail/urgent",
        "courriel-élevé",
        "line\nbreak",
        // 65 characters, one too many
        "01234567890123456789012345678901234567890123456789012345678901234"
      })
  void invalidNameIsRefused(String name) {
    assertFalse(QueueNames.isValid(name));
  }

  @ParameterizedTest
  @NullAndEmptySource
  void missingNameIsRefused(String name) {
    assertFalse(QueueNames.isValid(name));
    assertEquals(
        "invalid queue name \"" + name + "\": use 1 to 64 letters, digits, '-', '_' or '.'",
        QueueNames.problem(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mail:{urgent}", "two words"})
  void problemQuotesTheNameAndSaysWhatIsAllowed(String name) {
    assertEquals(
        "invalid queue name \"" + name + "\": use 1 to 64 letters, digits, '-', '_' or '.'",
        QueueNames.problem(name));
  }
}
