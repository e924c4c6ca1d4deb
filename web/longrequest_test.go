package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// A write or a rebuild runs past the search deadline every request gets:
// longRequest's context outlives it (a rebuild through the server took
// more than 5 s and was cancelled), and still ends with its client.
func TestLongRequestOutlivesTheSearchDeadline(t *testing.T) {
	for _, tc := range []struct {
		name       string
		clientGone bool
	}{{"deadline", false}, {"client gone", true}} {
		t.Run(tc.name, func(t *testing.T) {
			r := gin.New()
			var cancelClient context.CancelFunc
			r.Use(func(c *gin.Context) {
				var ctx context.Context
				ctx, cancelClient = context.WithCancel(c.Request.Context())
				c.Request = c.Request.WithContext(ctx)
				c.Next()
			})
			r.Use(func(c *gin.Context) { withDeadline(c, 10*time.Millisecond) }) // as limits, shorter
			parentDone := make(chan (<-chan struct{}), 1)
			r.Use(func(c *gin.Context) { parentDone <- c.Request.Context().Done(); c.Next() })
			r.Use(longRequest(time.Minute))
			alive := false
			r.POST("/x", func(c *gin.Context) {
				<-<-parentDone
				if tc.clientGone {
					cancelClient()
				}
				select {
				case <-c.Request.Context().Done():
				case <-time.After(300 * time.Millisecond): // bounds the wait for a cancellation that must not come
					alive = true
				}
				c.Status(http.StatusOK)
			})
			r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/x", nil))
			if alive == tc.clientGone {
				t.Errorf("the long request's context alive %v after the search deadline, client gone %v", alive, tc.clientGone)
			}
		})
	}
}
