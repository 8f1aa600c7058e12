export default function Index() {
  return <h1 className="text-lg font-semibold">Find a user</h1>;
}
