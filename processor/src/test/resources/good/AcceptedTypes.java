package com.acme;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.offload.api.Job;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentMap;

/** Argument and result types Jackson can write and rebuild; none of them gets a diagnostic. */
public class AcceptedTypes {

  @Job
  static void scalars(
      boolean flag, char letter, double ratio, Integer boxed, String text, BigDecimal amount,
      BigInteger big, UUID id, Instant at, LocalDate day, Optional<String> note, byte[] bytes) {}

  @Job
  static void collections(
      List<Set<String>> nested, Deque<Integer> queue, SortedMap<LocalDate, List<Long>> byDay,
      ConcurrentMap<Level, String> byLevel, ArrayList<UUID> ids, Map<String, ?
          extends Number> numbers) {}

  @Job
  static Page<Order> userTypes(Level level, Money money, Tags tags, Page<Order> page) {
    return page;
  }

  @Job
  static Node tree(Node root) {
    return root;
  }

  enum Level { LOW, HIGH }

  record Page<T>(List<T> items, int number) {}

  record Node(String name, List<Node> children) {}

  static final class Money {
    private final long cents;

    @JsonCreator
    Money(long cents) {
      this.cents = cents;
    }

    long cents() {
      return cents;
    }
  }

  static class Tags extends ArrayList<String> {}
}
