import { Link } from "../router";

export function NotFound() {
  return (
    <div class="page narrow">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link href="/">Go to your websites</Link>.
      </p>
    </div>
  );
}
