package com.datasaas.sql;

import java.util.List;

/** SQL text for one engine and the values bound to its placeholders, in order. */
public record CompiledQuery(String sql, List<Object> parameters) {
    public CompiledQuery {
        parameters = List.copyOf(parameters);
    }
}
