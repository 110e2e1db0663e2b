package dev.offload.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The message is the visitor's text, kept as written; the cause stays available to the logs. */
class UserFacingExceptionTest {

  @Test
  void messageIsKeptAsWritten() {
    UserFacingException e = new UserFacingException("Your card was declined.");

    assertEquals("Your card was declined.", e.getMessage());
    assertNull(e.getCause());
  }

  @Test
  void causeIsKeptBesideTheMessage() {
    IOException cause = new IOException("gateway 502");

    UserFacingException e = new UserFacingException("Please try again later.", cause);

    assertEquals("Please try again later.", e.getMessage());
    assertSame(cause, e.getCause());
  }
}
