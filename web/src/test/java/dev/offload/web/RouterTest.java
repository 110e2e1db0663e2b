package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

  private final Router.Handler pending = request -> "pending";
  private final Router.Handler pause = request -> "pause";
  private final Router router =
      new Router()
          .get("/api/queues/{queue}/jobs", pending)
          .post("/api/queues/{queue}/pause", pause);

  @Test
  void bindsTheBracedSegmentsAsParameters() {
    Router.Match match = router.match("GET", List.of("api", "queues", "mail", "jobs"));

    assertSame(pending, match.handler());
    assertEquals(Map.of("queue", "mail"), match.params());
  }

  @Test
  void aParameterTakesAnyDecodedSegmentWhole() {
    Router.Match match = router.match("GET", List.of("api", "queues", "a/b c", "jobs"));

    assertEquals("a/b c", match.params().get("queue"));
  }

  @Test
  void aKnownPathUnderAnotherMethodAnswers405() {
    HttpError error =
        assertThrows(
            HttpError.class, () -> router.match("GET", List.of("api", "queues", "mail", "pause")));

    assertEquals(405, error.status());
    assertEquals("GET is not allowed here", error.getMessage());
  }

  @Test
  void anUnknownPathAnswers404() {
    assertEquals(
        404,
        assertThrows(HttpError.class, () -> router.match("GET", List.of("api", "queues", "mail")))
            .status());
    assertEquals(
        404,
        assertThrows(
                HttpError.class,
                () -> router.match("GET", List.of("api", "queues", "mail", "jobs", "1")))
            .status());
    assertEquals(
        404,
        assertThrows(
                HttpError.class,
                () -> router.match("GET", List.of("api", "workers", "mail", "jobs")))
            .status());
  }
}
