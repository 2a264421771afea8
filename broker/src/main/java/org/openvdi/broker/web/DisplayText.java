package org.openvdi.broker.web;

import jakarta.validation.Constraint;
import jakarta.validation.OverridesAttribute;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Free text that people read back (names, reasons, descriptions): the broker's name for the one check the
 * gateway contract defines, {@link org.openvdi.contract.DisplayText}, which says what is refused. At most
 * {@link #max()} characters; a null value is valid: pair with {@code @NotBlank} where the text is required.
 */
@Documented
@org.openvdi.contract.DisplayText
@ReportAsSingleViolation
@Constraint(validatedBy = {})
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE,
        ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface DisplayText {

    /** The most characters (Unicode code points) allowed. */
    @OverridesAttribute(constraint = org.openvdi.contract.DisplayText.class, name = "max")
    int max() default 100;

    String message() default "must be at most {max} characters without control, format or invisible characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
