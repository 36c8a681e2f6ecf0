package com.datasaas.stats;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** One filter: a dimension, an operator and one or more values, any of which may match (OR within a filter). */
public record Filter(Dimension dimension, Operator operator, List<String> values) {

    public enum Operator {
        IS,
        IS_NOT,
        CONTAINS;

        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Operator> fromApiName(String name) {
            for (Operator op : values()) {
                if (op.apiName().equals(name)) return Optional.of(op);
            }
            return Optional.empty();
        }
    }

    public Filter {
        values = List.copyOf(values);
        if (values.isEmpty()) throw new IllegalArgumentException("a filter needs at least one value");
    }
}
