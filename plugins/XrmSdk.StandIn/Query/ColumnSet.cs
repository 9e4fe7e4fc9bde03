namespace Microsoft.Xrm.Sdk.Query
{
    public abstract class QueryBase
    {
        protected QueryBase()
        {
        }
    }

    /// <summary>The columns a Retrieve returns; ask only for what is needed.</summary>
    public sealed class ColumnSet
    {
        private DataCollection<string> _columns = new DataCollection<string>();

        public ColumnSet()
        {
        }

        public ColumnSet(params string[] columns)
        {
            _columns.AddRange(columns);
        }

        public bool AllColumns { get; set; }

        public DataCollection<string> Columns
        {
            get { return _columns; }
            set { _columns = value ?? new DataCollection<string>(); }
        }
    }
}
