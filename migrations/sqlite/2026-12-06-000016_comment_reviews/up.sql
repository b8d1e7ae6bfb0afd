-- Issue 14: staff mark each comment fit for its unit or not. A table of its own, so the
-- comments table (and how submissions store it) stays as it is; who reviewed lives in the
-- audit log only, never beside the comment. Deleting a comment deletes its review.
CREATE TABLE comment_reviews (
    comment_id BIGINT PRIMARY KEY NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    fit BOOLEAN NOT NULL,
    reviewed_at TEXT NOT NULL
);
