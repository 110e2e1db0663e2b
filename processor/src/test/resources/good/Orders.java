package com.acme;

import dev.offload.api.Job;
import java.math.BigDecimal;
import java.util.List;

public class Orders {

  @Job(name = "orders.total")
  public BigDecimal total(Order order) {
    return order.lines().stream()
        .map(line -> line.unitPrice().multiply(BigDecimal.valueOf(line.quantity())))
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  @Job(name = "orders.receipt", showResult = true)
  public static String receipt(Order order) {
    return order.lines().size() + " lines";
  }

  @Job(name = "orders.ship", queue = "shipping")
  public static void ship(Order order) {}

  @Job(name = "orders.shipAll", queue = "shipping", attempts = 1)
  public static void ship(List<Order> orders, boolean express) {}
}
