import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Me } from "./api";

export interface Session {
  me: Me | null;
  setMe: (me: Me | null) => void;
}

export const SessionContext = createContext<Session>({ me: null, setMe: () => {} });
export const useSession = () => useContext(SessionContext);
