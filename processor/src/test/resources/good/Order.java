package com.acme;

import java.math.BigDecimal;
import java.util.List;

public record Order(String id, List<Line> lines) {

  public record Line(String sku, int quantity, BigDecimal unitPrice) {}
}
