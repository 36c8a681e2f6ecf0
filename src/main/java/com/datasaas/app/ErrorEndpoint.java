package com.datasaas.app;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page, in the public error shape. Replaces Spring Boot's, which answers a direct
 * {@code GET /error} with a 500 because no error happened: without an error status this is simply a page that does
 * not exist.
 */
@RestController
final class ErrorEndpoint implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<Object> error(HttpServletRequest request) {
        HttpStatus status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
                ? HttpStatus.resolve(code)
                : null;
        if (status == null || status == HttpStatus.NOT_FOUND) {
            return ApiErrors.response(HttpStatus.NOT_FOUND, "Not found.");
        }
        String message = switch (status) {
            case BAD_REQUEST -> "The request is malformed: check the URL's encoding and the headers.";
            case UNAUTHORIZED -> "Log in or send 'Authorization: Bearer <api key>'.";
            case FORBIDDEN -> "You are not allowed to do this.";
            case METHOD_NOT_ALLOWED -> "This method is not supported here.";
            default ->
                status.is5xxServerError()
                        ? "Something went wrong on our side; the error was logged."
                        : status.getReasonPhrase() + ".";
        };
        return ApiErrors.response(status, message);
    }
}
