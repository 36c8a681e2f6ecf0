import { Component, type ComponentChildren } from "preact";

/** Catches render errors so a bug shows a message and a way out, never a blank page. */
export class ErrorBoundary extends Component<{ children?: ComponentChildren }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error) {
    console.error(error);
  }

  render() {
    if (this.state.error) {
      return (
        <div class="page narrow" role="alert">
          <h1>Something went wrong</h1>
          <p>This screen hit an unexpected error: {this.state.error.message}</p>
          <p>
            <button type="button" class="btn" onClick={() => location.reload()}>
              Reload the page
            </button>{" "}
            <a href="/">Back to your websites</a>
          </p>
        </div>
      );
    }
    return this.props.children;
  }
}
