package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.runtime.internal.child.ChildFrame.FromChild;
import dev.offload.runtime.internal.child.ChildFrame.ToChild;
import dev.offload.runtime.internal.store.Json;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every frame goes through its JSON line and back equal, with the wire format docs/isolation.md
 * shows, and a line that starts like a frame but is not one is refused saying why.
 */
class ChildProtocolTest {

  private static <T extends ChildFrame> T roundTrip(T frame, Class<? super T> direction)
      throws Exception {
    byte[] line = ChildProtocol.encode(frame);
    assertEquals('\n', line[line.length - 1], "a frame is one line");
    String text = new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
    assertFalse(text.contains("\n"), "a frame never spans two lines: " + text);
    assertTrue(ChildProtocol.looksLikeFrame(text), text);
    @SuppressWarnings("unchecked")
    T read = (T) ChildProtocol.decode(text, direction.asSubclass(ChildFrame.class));
    return read;
  }

  private static String wire(ChildFrame frame) {
    byte[] line = ChildProtocol.encode(frame);
    return new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
  }

  private static String refusal(String line, Class<? extends ChildFrame> direction) {
    return assertThrows(
            ChildProtocol.MalformedFrame.class, () -> ChildProtocol.decode(line, direction), line)
        .getMessage();
  }

  @Test
  void everyFrameComesBackEqualFromItsLine() throws Exception {
    String args = "{\"to\":\"a@b.c\",\"n\":[1,2]}";
    List<ToChild> toChild =
        List.of(
            new ChildFrame.Hello(Map.of("mail.send", "com.example.SendMail")),
            new ChildFrame.Run(42, "mail.send", args),
            new ChildFrame.Run(
                43, "mail.send", "[]", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    for (ToChild frame : toChild) {
      assertEquals(frame, roundTrip(frame, ToChild.class));
    }
    List<FromChild> fromChild =
        List.of(
            new ChildFrame.Ready(1234),
            new ChildFrame.Started(42),
            new ChildFrame.Output(42, ChildFrame.Output.Stream.STDERR, "line one\nline \"two\"\n"),
            new ChildFrame.Progress(42, 0.4, "rendered 4 of 10 pages"),
            new ChildFrame.Succeeded(42, "{\"ok\":true}"),
            new ChildFrame.Failed(
                42,
                "dev.offload.api.UserFacingException: Card declined.",
                "\tat Job.run\n",
                "Card declined.",
                false,
                true),
            new ChildFrame.Failed(
                42, "java.lang.OutOfMemoryError: Java heap space", "", null, true, false));
    for (FromChild frame : fromChild) {
      assertEquals(frame, roundTrip(frame, FromChild.class));
    }
  }

  @Test
  void framesKeepTheWireFormatTheDocsShow() {
    assertEquals(
        "{\"type\":\"hello\",\"jobs\":{\"mail.send\":\"com.example.SendMail\"}}",
        wire(new ChildFrame.Hello(Map.of("mail.send", "com.example.SendMail"))));
    assertEquals(
        "{\"type\":\"run\",\"id\":42,\"name\":\"mail.send\",\"args\":{},\"traceparent\":null}",
        wire(new ChildFrame.Run(42, "mail.send", "{}")));
    assertEquals("{\"type\":\"ready\",\"pid\":1234}", wire(new ChildFrame.Ready(1234)));
    assertEquals("{\"type\":\"started\",\"id\":42}", wire(new ChildFrame.Started(42)));
    assertEquals(
        "{\"type\":\"output\",\"id\":42,\"stream\":\"stdout\",\"text\":\"sent\\n\"}",
        wire(new ChildFrame.Output(42, ChildFrame.Output.Stream.STDOUT, "sent\n")));
    assertEquals(
        "{\"type\":\"progress\",\"id\":42,\"fraction\":0.4,\"message\":\"4 of 10\"}",
        wire(new ChildFrame.Progress(42, 0.4, "4 of 10")));
    assertEquals(
        "{\"type\":\"succeeded\",\"id\":42,\"result\":\"true\"}",
        wire(new ChildFrame.Succeeded(42, "true")));
    assertEquals(
        "{\"type\":\"failed\",\"id\":42,\"error\":\"e\",\"stackTrace\":\"s\","
            + "\"publicMessage\":null,\"outOfMemory\":false,\"noRetry\":false}",
        wire(new ChildFrame.Failed(42, "e", "s", null, false, false)));
  }

  @Test
  void argumentsKeepEveryDigitAndTheScaleOfTheirDecimals() throws Exception {
    String line =
        "{\"type\":\"run\",\"id\":1,\"name\":\"pay\",\"args\":"
            + "{\"wide\":12345678901234567.89,\"price\":19.90,\"big\":123456789012345678901234567890},"
            + "\"traceparent\":null}";
    ChildFrame.Run run = (ChildFrame.Run) ChildProtocol.decode(line, ToChild.class);
    JsonNode args = Json.mapper().readTree(run.args());
    assertEquals(new BigDecimal("12345678901234567.89"), args.get("wide").decimalValue());
    assertEquals(new BigDecimal("19.90"), args.get("price").decimalValue());
    assertEquals("123456789012345678901234567890", args.get("big").asText());
    assertEquals(line, wire(run), "written back as read");
  }

  @Test
  void argumentsComeThroughAsTheTextTheyWereWhateverTheFieldOrderAndSpacing() throws Exception {
    String args =
        "{ \"text\" : \"grüße \\\"😀\\\"\\n\\u2028\" , \"nested\":{\"a\":[1,{\"b\":null}]} }";
    String line =
        "{\"type\":\"run\",\"traceparent\":null,\"args\":" + args + ",\"name\":\"n\",\"id\":7}";
    assertEquals(new ChildFrame.Run(7, "n", args, null), ChildProtocol.decode(line, ToChild.class));
  }

  @Test
  void runFrameWithArgumentsThatAreNoContainerIsReadAsWell() throws Exception {
    String line = "{\"type\":\"run\",\"id\":1,\"name\":\"n\",\"args\":\"x\",\"traceparent\":null}";
    assertEquals(
        new ChildFrame.Run(1, "n", "\"x\"", null), ChildProtocol.decode(line, ToChild.class));
  }

  @Test
  void aLineOfAnyOtherShapeIsNotAFrame() {
    assertFalse(ChildProtocol.looksLikeFrame("sent"));
    assertFalse(ChildProtocol.looksLikeFrame(""));
    assertFalse(ChildProtocol.looksLikeFrame("{\"id\":1,\"type\":\"started\"}"));
    assertFalse(ChildProtocol.looksLikeFrame(" {\"type\":\"started\",\"id\":1}"));
  }

  @Test
  void unknownTypeIsRefusedByName() {
    assertEquals(
        "a frame of unknown type \"bye\"", refusal("{\"type\":\"bye\",\"id\":1}", FromChild.class));
  }

  @Test
  void frameOfTheOtherDirectionIsRefused() {
    assertEquals(
        "a Ready frame, which only the other side sends",
        refusal("{\"type\":\"ready\",\"pid\":1}", ToChild.class));
    assertEquals(
        "a Run frame, which only the other side sends",
        refusal(
            "{\"type\":\"run\",\"id\":1,\"name\":\"n\",\"args\":{},\"traceparent\":null}",
            FromChild.class));
  }

  @Test
  void missingOrNullComponentIsRefusedNamingIt() {
    assertEquals(
        "a \"run\" frame needs \"name\"",
        refusal(
            "{\"type\":\"run\",\"id\":1,\"name\":null,\"args\":{},\"traceparent\":null}",
            ToChild.class));
    assertEquals(
        "a \"succeeded\" frame needs \"result\"",
        refusal("{\"type\":\"succeeded\",\"id\":1,\"result\":null}", FromChild.class));
    assertEquals(
        "a \"progress\" frame needs \"message\"",
        refusal(
            "{\"type\":\"progress\",\"id\":1,\"fraction\":0.5,\"message\":null}", FromChild.class));
    String missingId = refusal("{\"type\":\"started\"}", FromChild.class);
    assertTrue(
        missingId.startsWith("a malformed frame: ") && missingId.contains("'id'"), missingId);
    String missingPublicMessage =
        refusal(
            "{\"type\":\"failed\",\"id\":1,\"error\":\"e\",\"stackTrace\":\"\",\"outOfMemory\":false}",
            FromChild.class);
    assertTrue(missingPublicMessage.contains("'publicMessage'"), missingPublicMessage);
  }

  @Test
  void brokenJsonAndWrongValuesAreRefusedAsMalformed() {
    for (String line :
        List.of(
            "{\"type\":\"started\",\"id\":",
            "{\"type\":\"started\",\"id\":\"forty-two\"}",
            "{\"type\":\"started\",\"id\":null}",
            "{\"type\":\"output\",\"id\":1,\"stream\":\"stdin\",\"text\":\"x\"}",
            "{\"type\":\"started\",\"id\":1} trailing")) {
      assertTrue(refusal(line, FromChild.class).startsWith("a malformed frame: "), line);
    }
  }

  @Test
  void frameIsWrittenAsOneLineOfUtf8() {
    byte[] line =
        ChildProtocol.encode(new ChildFrame.Output(7, ChildFrame.Output.Stream.STDOUT, "grüße\n"));
    assertArrayEquals(
        ("{\"type\":\"output\",\"id\":7,\"stream\":\"stdout\",\"text\":\"grüße\\n\"}\n")
            .getBytes(StandardCharsets.UTF_8),
        line);
  }
}
