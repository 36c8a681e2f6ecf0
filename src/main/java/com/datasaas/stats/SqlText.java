package com.datasaas.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * SQL under construction plus its values. Values only ever enter through {@link #value}, which asks the dialect how
 * to carry them (a bound {@code ?} for DuckDB; an escaped literal for engines without server-side parameters).
 */
final class SqlText {
    private final Dialect dialect;
    private final StringBuilder sql = new StringBuilder();
    private final List<Object> parameters = new ArrayList<>();

    SqlText(Dialect dialect) {
        this.dialect = dialect;
    }

    SqlText sql(String text) {
        sql.append(text);
        return this;
    }

    SqlText value(Object value) {
        sql.append(dialect.carry(value, parameters));
        return this;
    }

    SqlText values(List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) sql.append(", ");
            value(values.get(i));
        }
        return this;
    }

    CompiledQuery build() {
        return new CompiledQuery(sql.toString(), parameters);
    }
}
