-- The words of a search as one tsquery: as English (so "running" finds "run") or as written (for
-- any other language). Where the two readings are the same, the word is named once: "w | w"
-- makes the planner take the word for twice as common as it is, and walk a room backwards where
-- the full-text index would have been quicker (a word in 2 % of a room's 100,000 messages:
-- 20-37 ms instead of 10-14). A plain SQL function, so the planner inlines it and sees the words.
CREATE FUNCTION chat_search_words(words text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN websearch_to_tsquery('english', words) = websearch_to_tsquery('simple', words)
            THEN websearch_to_tsquery('simple', words)
        ELSE websearch_to_tsquery('english', words) || websearch_to_tsquery('simple', words)
    END
$$;
