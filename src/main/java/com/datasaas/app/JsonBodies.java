package com.datasaas.app;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reading request bodies field by field, so that every wrong type or size is a 400 that names the field. Used where
 * a body is partly optional (PATCH) or must be accepted leniently (the tracker's events).
 */
public final class JsonBodies {
    private JsonBodies() {}

    public static JsonNode parseObject(ObjectMapper json, byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("The request body is empty: send a JSON object.");
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.badRequest("The request body is not valid JSON.");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("The request body must be a JSON object.");
        }
        return node;
    }

    /** The string value, null when absent or JSON null; 400 on another type or when longer than maxLength. */
    public static String string(JsonNode body, String field, int maxLength) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) return null;
        if (!node.isString()) {
            throw ApiException.badRequest("Field '" + field + "' must be a string.");
        }
        String value = node.stringValue();
        if (value.length() > maxLength) {
            throw ApiException.badRequest("Field '" + field + "' must be at most " + maxLength + " characters.");
        }
        return value;
    }

    public static List<String> strings(JsonNode body, String field, int maxItems, int maxLength) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) return null;
        if (!node.isArray()) {
            throw ApiException.badRequest("Field '" + field + "' must be an array of strings.");
        }
        if (node.size() > maxItems) {
            throw ApiException.badRequest("Field '" + field + "' may hold at most " + maxItems + " entries.");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!item.isString() || item.stringValue().length() > maxLength) {
                throw ApiException.badRequest(
                        "Field '" + field + "' must hold strings of at most " + maxLength + " characters.");
            }
            values.add(item.stringValue().strip());
        }
        return values;
    }
}
