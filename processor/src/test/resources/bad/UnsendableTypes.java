package com.acme;

import dev.offload.api.Job;
import java.io.FileInputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

public class UnsendableTypes {

  @Job static void stream(Stream<String> names) {}

  @Job static void intStream(IntStream numbers) {}

  @Job static void thread(Thread worker) {}

  @Job static void connection(Connection db) {}

  @Job static void socket(Socket peer) {}

  @Job static void serverSocket(ServerSocket listener) {}

  @Job static void inputStream(FileInputStream in) {}

  @Job static void outputStream(OutputStream out) {}

  @Job static void reader(Reader text) {}

  @Job static void writer(Writer sink) {}

  @Job static void future(Future<String> pending) {}

  @Job static void completableFuture(CompletableFuture<Integer> promise) {}

  @Job static void runnable(Runnable callback) {}

  @Job static void function(Function<String, String> mapper) {}

  @Job static void ownFunctional(Transform transform) {}

  @Job static void extendsSupplier(NameSource source) {}

  @Job static void object(Object anything) {}

  @Job static void raw(@SuppressWarnings("rawtypes") List items) {}

  @Job static void listOfThreads(List<Thread> threads) {}

  @Job static void unboundedWildcard(List<?> unknowns) {}

  @Job static void superWildcard(List<? super Integer> sinks) {}

  @Job static void abstractType(Shape shape) {}

  @Job static void noCreator(Money money) {}

  @Job static void innerClassType(Note note) {}

  @Job static void privateType(Hidden hidden) {}

  @Job static void recordMapKey(Map<Point, String> labels) {}

  @Job static void recordWithThread(Envelope envelope) {}

  @Job static Future<String> returnsFuture(String input) {
    return CompletableFuture.completedFuture(input);
  }

  @Job static Stream<String> returnsStream(String input) {
    return Stream.of(input);
  }

  @FunctionalInterface
  interface Transform {
    String apply(String value);
  }

  interface NameSource extends Supplier<String> {}

  interface Shape {}

  static final class Money {
    private final long cents;

    Money(long cents) {
      this.cents = cents;
    }

    long cents() {
      return cents;
    }
  }

  class Note {}

  private record Hidden(String value) {}

  record Point(int x, int y) {}

  record Envelope(String to, Thread courier) {}
}

class Box<T> {
  @Job void put(T item) {}
}
