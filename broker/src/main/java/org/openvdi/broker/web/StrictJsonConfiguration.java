package org.openvdi.broker.web;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.function.Function;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Request bodies are read strictly: one JSON value and nothing after it, no duplicate keys, no null in a list
 * or for a number, and no guessing between types ({@code "2"} is not a number, {@code 1.5} not an integer,
 * {@code 5} not a string, {@code 1} not a boolean). Only the HTTP request bodies are read this way: the shared
 * {@link ObjectMapper} that Axon uses for the stored events and the Kafka consumers use stays as it is, so
 * events written by older versions remain readable.
 */
@Configuration(proxyBeanMethods = false)
class StrictJsonConfiguration implements WebMvcConfigurer {

    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        for (HttpMessageConverter<?> converter : converters) {
            if (converter instanceof MappingJackson2HttpMessageConverter json) {
                json.setObjectMapper(strict(json.getObjectMapper()));
            }
        }
    }

    static ObjectMapper strict(ObjectMapper shared) {
        ObjectMapper strict = shared.copy()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS, DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT, DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY,
                        DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS);
        strict.setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        strict.coercionConfigDefaults()
                .setAcceptBlankAsEmpty(false)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyObject, CoercionAction.Fail);
        for (LogicalType scalar : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            strict.coercionConfigFor(scalar).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        strict.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        strict.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        strict.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        // the time library trims control characters away and takes the rest ("PT8H\u0007" would be PT8H)
        SimpleModule exact = new SimpleModule("exact-time-values");
        exact.addDeserializer(Duration.class, exactly(Duration.class, Duration::parse));
        exact.addDeserializer(LocalTime.class, exactly(LocalTime.class, LocalTime::parse));
        strict.registerModule(exact);
        return strict;
    }

    /**
     * A time value read from a string exactly as sent: printable ASCII only, nothing trimmed away, no number for a
     * string; anything else is refused as an invalid value of its field.
     */
    private static <T> StdScalarDeserializer<T> exactly(Class<T> type, Function<String, T> parse) {
        return new StdScalarDeserializer<>(type) {
            @Override
            @SuppressWarnings("unchecked")
            public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                    return (T) context.handleUnexpectedToken(type, parser);
                }
                String text = parser.getText();
                if (text.isEmpty() || !text.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
                    return (T) context.handleWeirdStringValue(type, text, "only printable characters");
                }
                try {
                    return parse.apply(text);
                } catch (DateTimeException e) {
                    return (T) context.handleWeirdStringValue(type, text, "not a valid value");
                }
            }
        };
    }
}
