package com.datasaas.goals;

import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/** The goals feature's public face: the goal definitions of a site, for the stats engine to count. */
@Component
public class Goals {
    /** Same rule as goal names sent by the tracker (design section 4). */
    public static final Pattern NAME = Pattern.compile("^[a-z0-9_:-]{1,64}$");

    private final GoalRepository repository;

    Goals(GoalRepository repository) {
        this.repository = repository;
    }

    public List<Goal> forSite(String websiteId) {
        return repository.forSite(websiteId);
    }
}
