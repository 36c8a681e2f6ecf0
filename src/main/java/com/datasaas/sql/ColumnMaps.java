package com.datasaas.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import org.springframework.jdbc.core.ColumnMapRowMapper;

/**
 * Rows as column maps in select order, with every timestamp as an {@link java.time.Instant}, whichever Java type the
 * engine's driver returns for it.
 */
public final class ColumnMaps extends ColumnMapRowMapper {
    public static final ColumnMaps INSTANCE = new ColumnMaps();

    private ColumnMaps() {}

    @Override
    protected Object getColumnValue(ResultSet rs, int index) throws SQLException {
        Object value = super.getColumnValue(rs, index);
        if (value instanceof OffsetDateTime t) return t.toInstant();
        if (value instanceof Timestamp t) return t.toInstant();
        return value;
    }
}
